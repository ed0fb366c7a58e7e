import type { Frame } from "../frame/frame.ts";
import type { TreeShape } from "../frame/build-tree.ts";
import type { Session } from "../session/session.ts";
import { frameInfoAttributes } from "../session/frame-info.ts";
import {
  aggregateRepeatedCalls,
  isModuleLoaderPath,
  mergeConsecutiveSelfTime,
  type Processor,
  type ProcessorOptions,
  removeImportlib,
  removeTracebackhide,
} from "./processors.ts";

/**
 * Runs a processor list over a session's tree. The tree core already builds trees with
 * consecutive `[self]` time merged, and can aggregate repeated calls; when the list starts with
 * those steps (after removals that find nothing to remove in this session), the core does them
 * and only the rest run as functions. The result is the same tree, made without materialising
 * one frame per sample.
 */
export function processSession(session: Session, processors: readonly Processor[], options: ProcessorOptions): Frame | null {
  let index = 0;
  while (
    (processors[index] === removeImportlib && !hasModuleLoaderFrames(session)) ||
    (processors[index] === removeTracebackhide && !hasTracebackhideFrames(session))
  ) {
    index++;
  }
  let shape: TreeShape = "chronological";
  if (processors[index] === mergeConsecutiveSelfTime) {
    index++;
    if (processors[index] === aggregateRepeatedCalls) {
      shape = "aggregated";
      index++;
    }
  } else {
    index = 0;
  }
  let frame = session.rootFrame({ shape });
  for (const processor of processors.slice(index)) frame = processor(frame, options);
  return frame;
}

function hasModuleLoaderFrames(session: Session): boolean {
  return session.samples.frames.identifiers.some((identifier) => isModuleLoaderPath(identifier.split("\x00")[1] ?? null));
}

function hasTracebackhideFrames(session: Session): boolean {
  return session.samples.frames.frameInfos.some((info) => frameInfoAttributes(info).some((a) => a.startsWith("h")));
}

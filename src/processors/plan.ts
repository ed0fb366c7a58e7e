import type { Frame } from "../frame/frame.ts";
import { thresholdTime, type TreePruning, type TreeShape } from "../frame/build-tree.ts";
import { Session } from "../session/session.ts";
import { removeFrames } from "../session/transform.ts";
import { frameInfoFile } from "../frame/library.ts";
import { frameInfoAttributes } from "../session/frame-info.ts";
import {
  aggregateRepeatedCalls,
  isModuleLoaderPath,
  mergeConsecutiveSelfTime,
  type Processor,
  type ProcessorOptions,
  removeImportlib,
  removeIrrelevantNodes,
  removeTracebackhide,
} from "./processors.ts";

/**
 * Runs a processor list over a session's tree. The tree core builds trees with consecutive
 * `[self]` time merged, and can aggregate repeated calls; when the list starts with those steps
 * (after the removal of module-loader and hidden frames), the core does them and only the rest
 * run as functions, so no frame is made per sample. For an aggregated tree the removals happen
 * first, on the stacks: a removed frame's callees move to its caller and its own time becomes the
 * caller's, as replacing the frame by its children does. A timeline keeps every removal as a
 * processor, since there the order and the separate runs of the removed frames' callees show.
 */
export function processSession(session: Session, processors: readonly Processor[], options: ProcessorOptions): Frame | null {
  let index = 0;
  const removals: Array<(frameInfo: string) => boolean> = [];
  for (let removes = removalOf(processors[index]); removes; removes = removalOf(processors[++index])) removals.push(removes);
  const frameInfos = session.samples.frames.frameInfos;
  const removesSomething = removals.length > 0 && frameInfos.some((info) => removals.some((removes) => removes(info)));
  const mergesSelf = processors[index] === mergeConsecutiveSelfTime;
  const aggregates = mergesSelf && processors[index + 1] === aggregateRepeatedCalls;

  let shape: TreeShape = "chronological";
  let source = session;
  if (aggregates) {
    shape = "aggregated";
    index += 2;
    if (removesSomething) {
      const removed = (info: string) => removals.some((removes) => removes(info));
      const samples = removeFrames(session.samples, (id) => removed(frameInfos[id]));
      // pyinstrument trims the stem before removing frames: the stem loses them as well.
      source = new Session({ ...session, startCallStack: session.startCallStack.filter((info) => !removed(info)) }, samples);
    }
  } else if (mergesSelf && !removesSomething) {
    index += 1;
  } else {
    index = 0;
  }
  const pruning = shape === "chronological" ? timelinePruning(source, processors.slice(index), options) : undefined;
  let frame = source.rootFrame({ shape, pruning });
  for (const processor of processors.slice(index)) frame = processor(frame, options);
  return frame;
}

/**
 * What a timeline can leave out of its tree: when the processors reach `removeIrrelevantNodes`
 * after only removals and `[self]` merging, nodes under its threshold go at that step whatever
 * came before, so their subtrees need no Frames (see `TreePruning`).
 */
function timelinePruning(session: Session, processors: readonly Processor[], options: ProcessorOptions): TreePruning | undefined {
  const reshapes: Array<(frameInfo: string) => boolean> = [];
  for (const processor of processors) {
    const removes = removalOf(processor);
    if (removes) reshapes.push(removes);
    else if (processor === removeIrrelevantNodes) break;
    else if (processor !== mergeConsecutiveSelfTime) return undefined;
  }
  if (!processors.includes(removeIrrelevantNodes)) return undefined;
  const threshold = typeof options.filter_threshold === "number" ? options.filter_threshold : 0.01;
  if (!(threshold > 0 && threshold < 0.5)) return undefined;
  // Identifiers any of whose frame infos a removal would take out.
  const { frames } = session.samples;
  const reshaped = new Uint8Array(frames.identifiers.length);
  for (let id = 0; id < frames.count; id++) {
    if (reshapes.some((removes) => removes(frames.frameInfos[id]))) reshaped[frames.identifierIdOf(id)] = 1;
  }
  return { minTime: thresholdTime(session.samples, threshold), keepNodes: { isReshaped: (identifier) => reshaped[identifier] === 1 } };
}

/** Which frames a removal processor takes out, by frame info; undefined for other processors. */
function removalOf(processor: Processor | undefined): ((frameInfo: string) => boolean) | undefined {
  if (processor === removeImportlib) return isModuleLoaderFrame;
  if (processor === removeTracebackhide) return isTracebackhideFrame;
  return undefined;
}

function isModuleLoaderFrame(frameInfo: string): boolean {
  return isModuleLoaderPath(frameInfoFile(frameInfo) || null);
}

function isTracebackhideFrame(frameInfo: string): boolean {
  return frameInfoAttributes(frameInfo).includes("h1");
}

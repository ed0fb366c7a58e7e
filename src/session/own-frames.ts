import { frameInfoFile, isLibraryFrameInfo } from "../frame/library.ts";
import { isOwnFile } from "../util/own-files.ts";
import type { SampleData } from "./samples.ts";
import { removeFrames } from "./transform.ts";

/** The samples without this profiler's own frames and the time spent in them. */
export function withoutOwnFrames(samples: SampleData): SampleData {
  const infos = samples.frames.frameInfos;
  return removeFrames(samples, (id) => isOwnFile(frameInfoFile(infos[id])), (id) => isLibraryFrameInfo(infos[id]));
}

import type { SampleData } from "../../src/session/samples.ts";

/** Frame infos made readable: `name:file:line`, attributes kept after `|`. */
export function readable(frameInfo: string): string {
  return frameInfo.replaceAll("\x00", ":").replaceAll("\x01", "|");
}

/** Each sample as [readable stack joined by " > ", weight in seconds]. */
export function readableStacks(samples: SampleData): [string, number][] {
  const result: [string, number][] = [];
  for (let i = 0; i < samples.sampleStack.length; i++) {
    const path = samples.stacks.path(samples.sampleStack[i]).map((frame) => readable(samples.frames.frameInfos[frame]));
    result.push([path.join(" > "), samples.sampleWeight[i]]);
  }
  return result;
}

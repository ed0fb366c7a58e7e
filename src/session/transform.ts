import type { SampleData } from "./samples.ts";
import { StackTable } from "./stack-table.ts";

/**
 * Removes frames from every stack: a removed frame's callees move up to its caller. The time of
 * removed code itself goes to the caller as its own time, as pyinstrument's processors replace a
 * frame by its children; or, given `ownCallee`, it is dropped: then samples in a removed frame,
 * or in callees it owns with nothing else below (a profiler's own calls into the runtime), go.
 */
export function removeFrames(
  samples: SampleData,
  isRemoved: (frameId: number) => boolean,
  ownCallee?: (frameId: number) => boolean,
): SampleData {
  const { frames, stacks, sampleStack, sampleWeight } = samples;
  const removedFrame = new Uint8Array(frames.count);
  let any = false;
  for (let id = 0; id < frames.count; id++) {
    removedFrame[id] = isRemoved(id) ? 1 : 0;
    any ||= removedFrame[id] === 1;
  }
  if (!any) return samples;
  const parent = stacks.parent.data;
  const frame = stacks.frame.data;
  const result = new StackTable();
  // For each old stack node: the new node, and whether it sits below a removed frame with
  // nothing kept since (then its samples are the removed code's own).
  const mapped = new Int32Array(stacks.count);
  const insideRemoved = new Uint8Array(stacks.count);
  for (let node = 0; node < stacks.count; node++) {
    const up = parent[node];
    const newParent = up === -1 ? -1 : mapped[up];
    if (removedFrame[frame[node]]) {
      mapped[node] = newParent;
      insideRemoved[node] = ownCallee ? 1 : 0;
    } else {
      mapped[node] = result.intern(newParent, frame[node]);
      insideRemoved[node] = up !== -1 && insideRemoved[up] === 1 && ownCallee!(frame[node]) ? 1 : 0;
    }
  }
  let kept = 0;
  const keptStack = new Int32Array(sampleStack.length);
  const keptWeight = new Float64Array(sampleStack.length);
  for (let i = 0; i < sampleStack.length; i++) {
    const node = sampleStack[i];
    if (insideRemoved[node] || mapped[node] === -1) continue;
    keptStack[kept] = mapped[node];
    keptWeight[kept++] = sampleWeight[i];
  }
  return { frames, stacks: result, sampleStack: keptStack.slice(0, kept), sampleWeight: keptWeight.slice(0, kept) };
}

// The processor pipelines of the page's views: the text report's processors, in the order
// pyinstrument's own page runs them, over trees the tree core builds from the session.
import { buildFrameTree, thresholdTime } from "../../../frame/build-tree.ts";
import type { Frame } from "../../../frame/frame.ts";
import { processSession } from "../../../processors/plan.ts";
import {
  aggregateRepeatedCalls,
  isModuleLoaderPath,
  groupLibraryFrames,
  mergeConsecutiveSelfTime,
  type Processor,
  type ProcessorOptions,
  removeFirstPyinstrumentFrames,
  removeIrrelevantNodes,
  removeTracebackhide,
  removeUnnecessarySelfTimeNodes,
} from "../../../processors/processors.ts";
import type { SampleData } from "../../../session/samples.ts";
import type { Session } from "../../../session/session.ts";
import { StackTable } from "../../../session/stack-table.ts";
import { pythonRegexMatcher } from "../../../util/pyregex.ts";
import type { Settings } from "./state.ts";

/**
 * pyinstrument's page-only processor: a group of two frames hides nothing worth a line (the root
 * is shown anyway), so such groups are dissolved.
 */
export const removeUselessGroups: Processor = (frame) => {
  if (!frame) return null;
  const pending: Frame[] = [frame];
  while (pending.length) {
    const current = pending.pop()!;
    for (const child of current.children) pending.push(child);
    if (current.group && current.group.frames.length < 3) current.group.removeFrame(current);
  }
  return frame;
};

/** A regex the user typed is used only when it compiles; the view marks it invalid otherwise. */
export function regexError(source: string): string | null {
  if (!source) return null;
  try {
    pythonRegexMatcher(source);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function processorOptions(settings: Settings, grouping: boolean): ProcessorOptions {
  const custom = grouping && settings.collapse === "custom";
  const usable = (regex: string) => (custom && regex && regexError(regex) === null ? regex : null);
  return { filter_threshold: settings.threshold, hide_regex: usable(settings.hideRegex), show_regex: usable(settings.showRegex) };
}

/**
 * The samples with module-loader frames taken out of every stack, their callees moved up to their
 * callers: what `removeImportlib` does to the tree, done before the core builds it. Node runs
 * every program under loader frames, and a tree processor would need the per-sample
 * (chronological) tree materialised first; on the stack trie it is one pass over distinct stacks.
 */
export function withoutModuleLoaderFrames(samples: SampleData): SampleData {
  const { frames, stacks, sampleStack, sampleWeight } = samples;
  const removed = frames.identifiers.map((identifier) => isModuleLoaderPath(identifier.split("\x00")[1] ?? null));
  if (!removed.includes(true)) return samples;
  const parent = stacks.parent.data;
  const frame = stacks.frame.data;
  const result = new StackTable();
  const mapped = new Int32Array(stacks.count);
  for (let node = 0; node < stacks.count; node++) {
    const newParent = parent[node] === -1 ? -1 : mapped[parent[node]];
    mapped[node] = removed[frames.identifierIdOf(frame[node])] ? newParent : result.intern(newParent, frame[node]);
  }
  // A stack made only of loader frames has nothing left to charge its time to; such samples go.
  let kept = 0;
  const keptStack = new Int32Array(sampleStack.length);
  const keptWeight = new Float64Array(sampleStack.length);
  for (let i = 0; i < sampleStack.length; i++) {
    const node = mapped[sampleStack[i]];
    if (node === -1) continue;
    keptStack[kept] = node;
    keptWeight[kept++] = sampleWeight[i];
  }
  return { frames, stacks: result, sampleStack: keptStack.subarray(0, kept), sampleWeight: keptWeight.subarray(0, kept) };
}

/**
 * One sample per distinct stack, carrying the time of all its samples, in order of first
 * appearance: what the aggregated tree is made of. The core's aggregated tree from these is the
 * one from every sample (same nodes, same order; sums differ at most in the last bits, which no
 * view shows), and building it costs per distinct stack instead of per sample.
 */
export function samplesPerStack(samples: SampleData): SampleData {
  const { sampleStack, sampleWeight } = samples;
  const slot = new Int32Array(samples.stacks.count).fill(-1);
  const stacks: number[] = [];
  const weights: number[] = [];
  for (let i = 0; i < sampleStack.length; i++) {
    const stack = sampleStack[i];
    let at = slot[stack];
    if (at === -1) {
      at = slot[stack] = stacks.length;
      stacks.push(stack);
      weights.push(0);
    }
    weights[at] += sampleWeight[i];
  }
  return { ...samples, sampleStack: Int32Array.from(stacks), sampleWeight: Float64Array.from(weights) };
}

/**
 * The aggregated tree after the text report's processors, over `session` (whose samples have
 * module-loader frames taken out already when the settings ask for it). Frames under the
 * threshold are never made (see `buildFrameTree`), so a million-sample profile costs the page
 * no more Frame objects than the frames it shows.
 */
function aggregatedRoot(session: Session, settings: Settings, grouping: boolean): Frame | null {
  const options = processorOptions(settings, grouping);
  const rest: Processor[] = [
    ...(settings.threshold > 0 ? [removeIrrelevantNodes] : []),
    removeUnnecessarySelfTimeNodes,
    removeFirstPyinstrumentFrames,
    ...(grouping && settings.collapse !== "disabled" ? [groupLibraryFrames, removeUselessGroups] : []),
  ];
  const hasTracebackhide = session.samples.frames.frameInfos.some((info) => info.includes("\x01h"));
  if (hasTracebackhide) {
    // Hidden frames must go before calls are added up: the general pipeline, Frame by Frame.
    return processSession(session, [removeTracebackhide, mergeConsecutiveSelfTime, aggregateRepeatedCalls, ...rest], options);
  }
  const minTime = settings.threshold > 0 ? thresholdTime(session.samples, settings.threshold) : 0;
  let frame = buildFrameTree(session, "aggregated", true, { minTime });
  for (const processor of rest) frame = processor(frame, options);
  return frame;
}

/** The call tree with library code grouped: what the call-tree view shows. */
export function callTreeRoot(session: Session, settings: Settings): Frame | null {
  return aggregatedRoot(session, settings, true);
}

/** The same tree without groups: the flame graph draws every frame. */
export function flameGraphRoot(session: Session, settings: Settings): Frame | null {
  return aggregatedRoot(session, settings, false);
}

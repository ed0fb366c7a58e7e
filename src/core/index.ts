/**
 * Call-tree core: builds pyinstrument-compatible call trees from integer ids.
 *
 * Implemented by the WebAssembly module compiled from assembly/core.ts (see ./wasm.ts);
 * tests/core/reference.ts is a plain-TypeScript oracle with the same signatures.
 *
 * Data model. A frame table maps frame-info ids 0..F-1 to identifier ids (several frame infos
 * may share one identifier; they differ only in attributes). A stack trie has nodes with
 * `stackParent[i]` (-1 = top level, always < i) and `stackFrame[i]` (frame-info id). A sample
 * `s` is the path root -> `sampleStack[s]` with weight `sampleWeight[s]` seconds.
 *
 * A sample's conceptual path is its frames mapped to identifiers, followed by a `[self]`
 * element (`selfIdentifier`) unless the leaf frame info has flag bit 0 (synthetic leaf).
 * Nodes are matched by IDENTIFIER, never by frame-info id.
 *
 * These functions reproduce pyinstrument 5.1.2 `build_frame_tree` +
 * `merge_consecutive_self_time` (+ `aggregate_repeated_calls`, without its final sort) exactly,
 * including the floating-point summation order.
 */
import {
  beginCall,
  copyInF64,
  copyInI32,
  copyInU8,
  copyOutF64,
  copyOutI32,
  type CoreExports,
} from "./wasm.ts";

export interface TreeInput {
  stackParent: Int32Array;
  stackFrame: Int32Array;
  stackCount: number;
  /** frame-info id -> identifier id */
  frameIdentifier: Int32Array;
  /**
   * Per frame-info id: bit 0 (1) = the identifier is a "synthetic leaf" (no [self] child is
   * appended after it; must be the same for all frame infos of one identifier); bit 1 (2) = the
   * frame info carries attributes (attribute observations are recorded for it).
   */
  frameFlags: Uint8Array;
  /**
   * Identifier id of the synthetic "[self]" nodes (not a frame-info id). Must differ from every
   * identifier in frameIdentifier (pyinstrument's "[self]" is never a real frame's identifier).
   */
  selfIdentifier: number;
  sampleStack: Int32Array;
  sampleWeight: Float64Array;
  sampleCount: number;
}

export interface TreeOutput {
  nodeCount: number;
  /** Node 0 is the dummy root (parent -1, identifier -1); parent[i] < i for all i > 0. */
  parent: Int32Array;
  /** Identifier id of each node (selfIdentifier for [self] nodes). */
  identifier: Int32Array;
  /** Seconds. */
  time: Float64Array;
  attrCount: number;
  /** Attribute observations: (node, frame-info id) -> seconds, in order of first creation. */
  attrNode: Int32Array;
  attrFrame: Int32Array;
  attrTime: Float64Array;
}

export interface StackTrie {
  parent: Int32Array;
  frame: Int32Array;
  count: number;
}

export interface MergedStacks extends StackTrie {
  /** b's node id -> merged node id */
  bToMerged: Int32Array;
}

export interface Resampled {
  /** Index of the input record that closed each emitted record. */
  index: Int32Array;
  weight: Float64Array;
  count: number;
}

function checkCount(name: string, count: number, length: number): void {
  if (!Number.isInteger(count) || count < 0 || count > length) {
    throw new RangeError(`${name}: count ${count} is not an integer in [0, ${length}]`);
  }
}

const TREE_ERRORS: Record<number, string> = {
  [-1]: "stackParent[i] must satisfy -1 <= stackParent[i] < i",
  [-2]: "stackFrame[i] must be a frame-info id in [0, frameIdentifier.length)",
  [-3]: "sampleStack[s] must be a stack node id in [0, stackCount)",
};

const SAMPLE_CHUNK = 32768;

function buildTree(input: TreeInput, aggregate: boolean): TreeOutput {
  const { stackCount, sampleCount } = input;
  checkCount("stackCount", stackCount, Math.min(input.stackParent.length, input.stackFrame.length));
  checkCount("sampleCount", sampleCount, Math.min(input.sampleStack.length, input.sampleWeight.length));
  const frameCount = input.frameIdentifier.length;
  if (input.frameFlags.length < frameCount) {
    throw new RangeError("frameFlags must have an entry for every frame-info id");
  }
  const c: CoreExports = beginCall();
  const stackParent = copyInI32(c, input.stackParent, stackCount);
  const stackFrame = copyInI32(c, input.stackFrame, stackCount);
  const frameIdentifier = copyInI32(c, input.frameIdentifier, frameCount);
  const frameFlags = copyInU8(c, input.frameFlags, frameCount);
  const sampleStack = copyInI32(c, input.sampleStack, sampleCount);
  const sampleWeight = copyInF64(c, input.sampleWeight, sampleCount);
  const status = c.treeBegin(
    aggregate ? 1 : 0,
    stackParent,
    stackFrame,
    stackCount,
    frameIdentifier,
    frameFlags,
    frameCount,
    input.selfIdentifier | 0,
    sampleStack,
    sampleWeight,
    sampleCount,
  );
  if (status < 0) throw new RangeError(TREE_ERRORS[status] ?? `core error ${status}`);
  // Consecutive chunks: lets the engine switch to optimized code for the rest of a long build
  // (WASM functions are tiered up between calls, not during one).
  for (let from = 0; from < sampleCount; from += SAMPLE_CHUNK) {
    c.treeSamples(from, Math.min(from + SAMPLE_CHUNK, sampleCount));
  }
  const nodeCount = c.treeEnd();
  const attrCount = c.resultAttrCount();
  return {
    nodeCount,
    parent: copyOutI32(c, c.resultParent(), nodeCount),
    identifier: copyOutI32(c, c.resultIdent(), nodeCount),
    time: copyOutF64(c, c.resultTime(), nodeCount),
    attrCount,
    attrNode: copyOutI32(c, c.resultAttrNode(), attrCount),
    attrFrame: copyOutI32(c, c.resultAttrFrame(), attrCount),
    attrTime: copyOutF64(c, c.resultAttrTime(), attrCount),
  };
}

/**
 * The chronological call tree: pyinstrument's `build_frame_tree` followed by
 * `merge_consecutive_self_time`.
 *
 * Samples are walked in order keeping the current path of nodes. At depth d the node of the
 * current path is reused when its identifier equals the sample's path element, otherwise the
 * path is cut at d and a new node is appended (so node ids follow creation order). Every node
 * on the path, and the root, gets `time += weight` (sequential sums). Consecutive samples that
 * end at the same node share one [self] node. Attribute observations (node, frame-info id) are
 * summed sequentially for frames with flag bit 1, listed in order of first creation.
 */
export function buildChronologicalTree(input: TreeInput): TreeOutput {
  return buildTree(input, false);
}

/**
 * The aggregated call tree: the chronological tree after pyinstrument's
 * `aggregate_repeated_calls` (children are not sorted; the caller sorts).
 *
 * Aggregated node = (aggregated parent, identifier), numbered in order of first appearance.
 * Its time is ((run1 + run2) + run3) ... where each run is one chronological node's own
 * sequential sum, added in chronological order, exactly like pyinstrument's `combine_frames`.
 * The chronological tree is never materialised (per-depth run accumulators instead).
 *
 * Attribute observations are keyed (aggregated node, frame-info id) and are plain sequential
 * sums over the samples (pyinstrument sums them per run first, so the last bits may differ from
 * pyinstrument there; times of nodes are exact).
 */
export function buildAggregatedTree(input: TreeInput): TreeOutput {
  return buildTree(input, true);
}

/**
 * Union of two stack tries. `a` keeps its ids 0..a.count-1; b's nodes are walked in index order
 * and mapped onto the existing merged node with the same (merged parent, frame) -- a node of `a`
 * or one appended earlier from `b` -- or appended. b's frame ids must already be in the merged
 * frame-id space. If `a` has duplicate (parent, frame) nodes, the first one is used.
 */
export function mergeStacks(a: StackTrie, b: StackTrie): MergedStacks {
  checkCount("a.count", a.count, Math.min(a.parent.length, a.frame.length));
  checkCount("b.count", b.count, Math.min(b.parent.length, b.frame.length));
  const c: CoreExports = beginCall();
  const aParent = copyInI32(c, a.parent, a.count);
  const aFrame = copyInI32(c, a.frame, a.count);
  const bParent = copyInI32(c, b.parent, b.count);
  const bFrame = copyInI32(c, b.frame, b.count);
  const count = c.mergeStacks(aParent, aFrame, a.count, bParent, bFrame, b.count);
  if (count < 0) {
    throw new RangeError(`${count === -1 ? "a" : "b"}.parent[i] must satisfy -1 <= parent[i] < i`);
  }
  return {
    parent: copyOutI32(c, c.resultParent(), count),
    frame: copyOutI32(c, c.resultIdent(), count),
    count,
    bToMerged: copyOutI32(c, c.resultMap(), b.count),
  };
}

/**
 * pyinstrument's `Session._resample_frame_records`: acc = 0; for each i: acc += weight[i];
 * if acc >= interval, emit (i, acc) and set acc = acc % interval.
 */
export function resample(weight: Float64Array, count: number, interval: number): Resampled {
  checkCount("count", count, weight.length);
  const c: CoreExports = beginCall();
  const ptr = copyInF64(c, weight, count);
  const m = c.resample(ptr, count, interval);
  return {
    index: copyOutI32(c, c.resultParent(), m),
    weight: copyOutF64(c, c.resultMap(), m),
    count: m,
  };
}

/**
 * Reference implementation (test oracle) of src/core/index.ts, written for clarity, not speed.
 *
 * The tree builders follow pyinstrument 5.1.2 literally, on objects: `build_frame_tree` (one
 * [self] child per sample), then `merge_consecutive_self_time`, then (aggregated tree)
 * `aggregate_repeated_calls` with `combine_frames`. Nodes are then numbered in creation order
 * (pyinstrument has no ids; the core numbers nodes that way).
 */
import type {
  MergedStacks,
  Resampled,
  StackTrie,
  TreeInput,
  TreeOutput,
} from "../../src/core/index.ts";

class Frame {
  children: Frame[] = [];
  parent: Frame | null = null;
  time = 0;
  /** frame-info id -> [time, creation sequence of the observation] */
  attributes = new Map<number, [number, number]>();
  /** Set when combine_frames merged this frame into another one. */
  mergedInto: Frame | null = null;

  constructor(
    readonly identifier: number,
    readonly seq: number,
  ) {}

  addChild(child: Frame): void {
    child.parent = this;
    this.children.push(child);
  }

  removeFromParent(): void {
    const parent = this.parent;
    if (parent === null) return;
    parent.children.splice(parent.children.indexOf(this), 1);
    this.parent = null;
  }
}

/** Frame-info ids of a sample's stack, root first. */
function stackFrames(input: TreeInput, leaf: number): number[] {
  const frames: number[] = [];
  for (let n = leaf; n !== -1; n = input.stackParent[n]) frames.push(input.stackFrame[n]);
  return frames.reverse();
}

interface Built {
  root: Frame;
  /** Per sample: the (frame object, frame-info id) pairs that recorded attributes. */
  sampleAttrs: [Frame, number][][];
}

function buildFrameTree(input: TreeInput): Built {
  let seq = 0;
  let attrSeq = 0;
  const root = new Frame(-1, seq++);
  const frameStack: Frame[] = [root];
  const sampleAttrs: [Frame, number][][] = [];
  for (let s = 0; s < input.sampleCount; s++) {
    const frames = stackFrames(input, input.sampleStack[s]);
    const time = input.sampleWeight[s];
    root.time += time;
    const recorded: [Frame, number][] = [];
    let stackDepth = 0;
    for (let i = 0; i < frames.length; i++) {
      stackDepth = i + 1;
      const frameInfo = frames[i];
      const identifier = input.frameIdentifier[frameInfo];
      let frame = frameStack[stackDepth] as Frame | undefined;
      if (frame !== undefined && frame.identifier !== identifier) {
        frameStack.length = stackDepth;
        frame = undefined;
      }
      if (frame === undefined) {
        const parent = frameStack[stackDepth - 1];
        frame = new Frame(identifier, seq++);
        parent.addChild(frame);
        frameStack.push(frame);
      }
      // record_time_from_frame_info
      frame.time += time;
      if ((input.frameFlags[frameInfo] & 2) !== 0) {
        const entry = frame.attributes.get(frameInfo);
        if (entry === undefined) frame.attributes.set(frameInfo, [0 + time, attrSeq++]);
        else entry[0] += time;
        recorded.push([frame, frameInfo]);
      }
    }
    frameStack.length = stackDepth + 1;
    const finalFrame = frameStack[frameStack.length - 1];
    const leafFrameInfo = frames[frames.length - 1];
    const isSyntheticLeaf = (input.frameFlags[leafFrameInfo] & 1) !== 0;
    if (!isSyntheticLeaf) {
      const self = new Frame(input.selfIdentifier, seq++);
      self.time = time;
      finalFrame.addChild(self);
    }
    sampleAttrs.push(recorded);
  }
  return { root, sampleAttrs };
}

function mergeConsecutiveSelfTime(frame: Frame, selfIdentifier: number): void {
  let previousSelf: Frame | null = null;
  for (const child of [...frame.children]) {
    if (child.identifier === selfIdentifier) {
      if (previousSelf !== null) {
        previousSelf.time += child.time;
        child.removeFromParent();
      } else {
        previousSelf = child;
      }
    } else {
      previousSelf = null;
    }
  }
  for (const child of [...frame.children]) mergeConsecutiveSelfTime(child, selfIdentifier);
}

function combineFrames(frame: Frame, into: Frame): void {
  into.time += frame.time;
  for (const [frameInfo, [time, attrSeq]] of frame.attributes) {
    const entry = into.attributes.get(frameInfo);
    if (entry === undefined) into.attributes.set(frameInfo, [time, attrSeq]);
    else entry[0] += time;
  }
  for (const child of frame.children) into.addChild(child);
  frame.children = [];
  frame.removeFromParent();
  frame.mergedInto = into;
}

function aggregateRepeatedCalls(frame: Frame): void {
  const childrenByIdentifier = new Map<number, Frame>();
  for (const child of [...frame.children]) {
    const aggregate = childrenByIdentifier.get(child.identifier);
    if (aggregate !== undefined) combineFrames(child, aggregate);
    else childrenByIdentifier.set(child.identifier, child);
  }
  for (const child of [...frame.children]) aggregateRepeatedCalls(child);
}

function allFrames(root: Frame): Frame[] {
  const out: Frame[] = [];
  const todo: Frame[] = [root];
  while (todo.length > 0) {
    const f = todo.pop() as Frame;
    out.push(f);
    for (const c of f.children) todo.push(c);
  }
  return out.sort((x, y) => x.seq - y.seq);
}

interface Numbered {
  output: TreeOutput;
  idOf: Map<Frame, number>;
}

/** Numbers the frames of a tree in creation order and flattens it. */
function flatten(root: Frame): Numbered {
  const frames = allFrames(root);
  const idOf = new Map<Frame, number>();
  frames.forEach((f, i) => idOf.set(f, i));
  const n = frames.length;
  const parent = new Int32Array(n);
  const identifier = new Int32Array(n);
  const time = new Float64Array(n);
  const attrs: [number, number, number, number][] = []; // [seq, node, frame-info, time]
  frames.forEach((f, i) => {
    parent[i] = f.parent === null ? -1 : (idOf.get(f.parent) as number);
    identifier[i] = f.identifier;
    time[i] = f.time;
    for (const [frameInfo, [t, attrSeq]] of f.attributes) attrs.push([attrSeq, i, frameInfo, t]);
  });
  attrs.sort((x, y) => x[0] - y[0]);
  return {
    idOf,
    output: {
      nodeCount: n,
      parent,
      identifier,
      time,
      attrCount: attrs.length,
      attrNode: Int32Array.from(attrs, (a) => a[1]),
      attrFrame: Int32Array.from(attrs, (a) => a[2]),
      attrTime: Float64Array.from(attrs, (a) => a[3]),
    },
  };
}

export function buildChronologicalTree(input: TreeInput): TreeOutput {
  const { root } = buildFrameTree(input);
  mergeConsecutiveSelfTime(root, input.selfIdentifier);
  return flatten(root).output;
}

export function buildAggregatedTree(input: TreeInput): TreeOutput {
  const { root, sampleAttrs } = buildFrameTree(input);
  mergeConsecutiveSelfTime(root, input.selfIdentifier);
  aggregateRepeatedCalls(root);
  const { output, idOf } = flatten(root);
  // Attribute observations of the aggregated tree: plain sequential sums over the samples,
  // keyed (aggregated node, frame-info id), in order of first sight (see src/core/index.ts).
  const index = new Map<string, number>();
  const attrNode: number[] = [];
  const attrFrame: number[] = [];
  const attrTime: number[] = [];
  for (let s = 0; s < sampleAttrs.length; s++) {
    const w = input.sampleWeight[s];
    for (const [frame, frameInfo] of sampleAttrs[s]) {
      const node = idOf.get(frame.mergedInto ?? frame) as number;
      const key = `${node},${frameInfo}`;
      let o = index.get(key);
      if (o === undefined) {
        o = attrNode.length;
        index.set(key, o);
        attrNode.push(node);
        attrFrame.push(frameInfo);
        attrTime.push(0);
      }
      attrTime[o] += w;
    }
  }
  return {
    ...output,
    attrCount: attrNode.length,
    attrNode: Int32Array.from(attrNode),
    attrFrame: Int32Array.from(attrFrame),
    attrTime: Float64Array.from(attrTime),
  };
}

export function mergeStacks(a: StackTrie, b: StackTrie): MergedStacks {
  const parent: number[] = [];
  const frame: number[] = [];
  const index = new Map<string, number>();
  const add = (p: number, f: number): number => {
    const id = parent.length;
    parent.push(p);
    frame.push(f);
    const key = `${p},${f}`;
    if (!index.has(key)) index.set(key, id);
    return id;
  };
  for (let i = 0; i < a.count; i++) add(a.parent[i], a.frame[i]);
  const bToMerged = new Int32Array(b.count);
  for (let i = 0; i < b.count; i++) {
    const p = b.parent[i] === -1 ? -1 : bToMerged[b.parent[i]];
    const existing = index.get(`${p},${b.frame[i]}`);
    bToMerged[i] = existing !== undefined ? existing : add(p, b.frame[i]);
  }
  return {
    parent: Int32Array.from(parent),
    frame: Int32Array.from(frame),
    count: parent.length,
    bToMerged,
  };
}

export function resample(weight: Float64Array, count: number, interval: number): Resampled {
  const index: number[] = [];
  const out: number[] = [];
  let acc = 0;
  for (let i = 0; i < count; i++) {
    acc += weight[i];
    if (acc >= interval) {
      index.push(i);
      out.push(acc);
      acc = acc % interval;
    }
  }
  return { index: Int32Array.from(index), weight: Float64Array.from(out), count: index.length };
}

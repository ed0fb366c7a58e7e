/**
 * Plain-TypeScript port of assembly/core.ts: the same algorithm over typed arrays
 * (struct-of-arrays node table, open-addressing Int32Array hash on (parent, identifier),
 * per-depth run accumulators, prefix reuse against the previous sample's stack).
 *
 * Used by bench/core.bench.ts to answer "is the WASM core faster than the same algorithm in
 * TS", and checked against the reference in tests/core/core.test.ts.
 */
import type {
  MergedStacks,
  Resampled,
  StackTrie,
  TreeInput,
  TreeOutput,
} from "../src/core/index.ts";

function mix(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ b;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h ^= h >>> 13;
  return Math.imul(h, 0xc2b2ae35) >>> 0;
}

function tableBits(n: number): number {
  let bits = 4;
  while (2 ** bits < n * 2) bits++;
  return bits;
}

class TreeTables {
  count = 0;
  parent: Int32Array;
  ident: Int32Array;
  time: Float64Array;
  childBits = 0;
  child: Int32Array = new Int32Array(0);
  attrCount = 0;
  attrNode: Int32Array;
  attrFrame: Int32Array;
  attrTime: Float64Array;
  attrBits: number;
  attrIndex: Int32Array;

  constructor(nodeCap: number, withChildIndex: boolean) {
    this.parent = new Int32Array(nodeCap);
    this.ident = new Int32Array(nodeCap);
    this.time = new Float64Array(nodeCap);
    if (withChildIndex) {
      this.childBits = tableBits(nodeCap);
      this.child = new Int32Array(1 << this.childBits).fill(-1);
    }
    this.attrNode = new Int32Array(64);
    this.attrFrame = new Int32Array(64);
    this.attrTime = new Float64Array(64);
    this.attrBits = tableBits(64);
    this.attrIndex = new Int32Array(1 << this.attrBits).fill(-1);
  }

  appendNode(parent: number, ident: number): number {
    if (this.count === this.parent.length) {
      const cap = this.count * 2;
      const p = new Int32Array(cap);
      p.set(this.parent);
      this.parent = p;
      const i = new Int32Array(cap);
      i.set(this.ident);
      this.ident = i;
      const t = new Float64Array(cap);
      t.set(this.time);
      this.time = t;
    }
    const n = this.count++;
    this.parent[n] = parent;
    this.ident[n] = ident;
    this.time[n] = 0;
    return n;
  }

  childNode(parent: number, ident: number): number {
    const shift = 32 - this.childBits;
    const mask = (1 << this.childBits) - 1;
    const table = this.child;
    let i = mix(parent, ident) >>> shift;
    for (;;) {
      const n = table[i];
      if (n < 0) break;
      if (this.parent[n] === parent && this.ident[n] === ident) return n;
      i = (i + 1) & mask;
    }
    const c = this.appendNode(parent, ident);
    table[i] = c;
    if (this.count * 2 > table.length) {
      this.childBits++;
      const t = new Int32Array(1 << this.childBits).fill(-1);
      const s = 32 - this.childBits;
      const m = t.length - 1;
      for (let n = 1; n < this.count; n++) {
        let j = mix(this.parent[n], this.ident[n]) >>> s;
        while (t[j] >= 0) j = (j + 1) & m;
        t[j] = n;
      }
      this.child = t;
    }
    return c;
  }

  attrObservation(node: number, frame: number): number {
    const shift = 32 - this.attrBits;
    const mask = (1 << this.attrBits) - 1;
    const table = this.attrIndex;
    let i = mix(node, frame) >>> shift;
    for (;;) {
      const o = table[i];
      if (o < 0) break;
      if (this.attrNode[o] === node && this.attrFrame[o] === frame) return o;
      i = (i + 1) & mask;
    }
    if (this.attrCount === this.attrNode.length) {
      const cap = this.attrCount * 2;
      const an = new Int32Array(cap);
      an.set(this.attrNode);
      this.attrNode = an;
      const af = new Int32Array(cap);
      af.set(this.attrFrame);
      this.attrFrame = af;
      const at = new Float64Array(cap);
      at.set(this.attrTime);
      this.attrTime = at;
    }
    const o = this.attrCount++;
    this.attrNode[o] = node;
    this.attrFrame[o] = frame;
    this.attrTime[o] = 0;
    table[i] = o;
    if (this.attrCount * 2 > table.length) {
      this.attrBits++;
      const t = new Int32Array(1 << this.attrBits).fill(-1);
      const s = 32 - this.attrBits;
      const m = t.length - 1;
      for (let k = 0; k < this.attrCount; k++) {
        let j = mix(this.attrNode[k], this.attrFrame[k]) >>> s;
        while (t[j] >= 0) j = (j + 1) & m;
        t[j] = k;
      }
      this.attrIndex = t;
    }
    return o;
  }
}

function buildTree(input: TreeInput, aggregate: boolean): TreeOutput {
  const { stackParent, stackFrame, stackCount, frameIdentifier, frameFlags, selfIdentifier } =
    input;
  const { sampleStack, sampleWeight, sampleCount } = input;
  const depth = new Int32Array(stackCount);
  const attrOnPath = new Uint8Array(stackCount);
  let maxDepth = 0;
  for (let i = 0; i < stackCount; i++) {
    const p = stackParent[i];
    let d = 1;
    let a = frameFlags[stackFrame[i]] & 2;
    if (p >= 0) {
      d = depth[p] + 1;
      a |= attrOnPath[p];
    }
    depth[i] = d;
    attrOnPath[i] = a === 0 ? 0 : 1;
    if (d > maxDepth) maxDepth = d;
  }
  const slots = maxDepth + 2;
  const pathIdent = new Int32Array(slots);
  const pathNode = new Int32Array(slots);
  const runTime = new Float64Array(slots);
  const walkStack = new Int32Array(slots);
  const curFrame = new Int32Array(slots);
  const curIdent = new Int32Array(slots);
  const obsFrame = new Int32Array(slots);
  const obsIndex = new Int32Array(slots);

  const t = new TreeTables(Math.max(64, stackCount * 2 + (aggregate ? 2 : 64)), aggregate);
  t.appendNode(-1, -1);
  let pathLen = 0;
  let prevFrames = 0;
  let rootTime = 0;

  for (let s = 0; s < sampleCount; s++) {
    const leaf = sampleStack[s];
    const w = sampleWeight[s];
    const frames = depth[leaf];
    let n = leaf;
    let d = frames;
    while (d > 0) {
      if (d <= prevFrames && walkStack[d] === n) break;
      walkStack[d] = n;
      const f = stackFrame[n];
      curFrame[d] = f;
      curIdent[d] = frameIdentifier[f];
      n = stackParent[n];
      d--;
    }
    prevFrames = frames;

    let k = d + 1;
    const lim = frames < pathLen ? frames : pathLen;
    while (k <= lim && pathIdent[k] === curIdent[k]) k++;
    const hasSelf = (frameFlags[curFrame[frames]] & 1) === 0;
    const len = hasSelf ? frames + 1 : frames;
    if (hasSelf && k === frames + 1 && k <= pathLen && pathIdent[k] === selfIdentifier) k++;

    if (aggregate) {
      const time = t.time;
      for (let e = k; e <= pathLen; e++) time[pathNode[e]] += runTime[e];
    }
    for (let e = k; e <= len; e++) {
      const ident = e <= frames ? curIdent[e] : selfIdentifier;
      pathIdent[e] = ident;
      const parent = pathNode[e - 1];
      pathNode[e] = aggregate ? t.childNode(parent, ident) : t.appendNode(parent, ident);
      runTime[e] = 0;
      obsFrame[e] = -1;
    }
    pathLen = len;

    rootTime += w;
    if (aggregate) {
      for (let e = 1; e <= len; e++) runTime[e] += w;
    } else {
      const time = t.time;
      for (let e = 1; e <= len; e++) time[pathNode[e]] += w;
    }

    if (attrOnPath[leaf] !== 0) {
      for (let e = 1; e <= frames; e++) {
        const f = curFrame[e];
        if ((frameFlags[f] & 2) === 0) continue;
        let o: number;
        if (obsFrame[e] === f) {
          o = obsIndex[e];
        } else {
          o = t.attrObservation(pathNode[e], f);
          obsFrame[e] = f;
          obsIndex[e] = o;
        }
        t.attrTime[o] += w;
      }
    }
  }
  if (aggregate) {
    for (let e = 1; e <= pathLen; e++) t.time[pathNode[e]] += runTime[e];
  }
  t.time[0] = rootTime;
  return {
    nodeCount: t.count,
    parent: t.parent.slice(0, t.count),
    identifier: t.ident.slice(0, t.count),
    time: t.time.slice(0, t.count),
    attrCount: t.attrCount,
    attrNode: t.attrNode.slice(0, t.attrCount),
    attrFrame: t.attrFrame.slice(0, t.attrCount),
    attrTime: t.attrTime.slice(0, t.attrCount),
  };
}

export function buildChronologicalTree(input: TreeInput): TreeOutput {
  return buildTree(input, false);
}

export function buildAggregatedTree(input: TreeInput): TreeOutput {
  return buildTree(input, true);
}

export function mergeStacks(a: StackTrie, b: StackTrie): MergedStacks {
  const cap = a.count + b.count;
  const parent = new Int32Array(cap);
  const frame = new Int32Array(cap);
  parent.set(a.parent.subarray(0, a.count));
  frame.set(a.frame.subarray(0, a.count));
  const bToMerged = new Int32Array(b.count);
  const bits = tableBits(cap);
  const table = new Int32Array(1 << bits).fill(-1);
  const shift = 32 - bits;
  const mask = table.length - 1;
  for (let n = 0; n < a.count; n++) {
    const p = parent[n];
    const f = frame[n];
    let i = mix(p, f) >>> shift;
    for (;;) {
      const m = table[i];
      if (m < 0) {
        table[i] = n;
        break;
      }
      if (parent[m] === p && frame[m] === f) break;
      i = (i + 1) & mask;
    }
  }
  let count = a.count;
  const bParent = b.parent;
  const bFrame = b.frame;
  for (let j = 0; j < b.count; j++) {
    const bp = bParent[j];
    const p = bp < 0 ? -1 : bToMerged[bp];
    const f = bFrame[j];
    let i = mix(p, f) >>> shift;
    let found = -1;
    for (;;) {
      const m = table[i];
      if (m < 0) break;
      if (parent[m] === p && frame[m] === f) {
        found = m;
        break;
      }
      i = (i + 1) & mask;
    }
    if (found < 0) {
      found = count++;
      parent[found] = p;
      frame[found] = f;
      table[i] = found;
    }
    bToMerged[j] = found;
  }
  return { parent: parent.slice(0, count), frame: frame.slice(0, count), count, bToMerged };
}

export function resample(weight: Float64Array, count: number, interval: number): Resampled {
  const index = new Int32Array(count);
  const out = new Float64Array(count);
  let acc = 0;
  let m = 0;
  for (let i = 0; i < count; i++) {
    acc += weight[i];
    if (acc >= interval) {
      index[m] = i;
      out[m] = acc;
      m++;
      acc = acc % interval;
    }
  }
  return { index: index.slice(0, m), weight: out.slice(0, m), count: m };
}

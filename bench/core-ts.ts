/**
 * Plain-TypeScript port of assembly/core.ts: the same algorithm over typed arrays
 * (struct-of-arrays node table, open-addressing Int32Array hash on (parent, identifier),
 * run accumulators shared by depth segments, prefix reuse against the previous sample's stack,
 * attribute chains).
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
  attrLink: Int32Array;

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
    // aggregated mode: hash (node, frame) -> observation; chronological mode: per-node lists
    this.attrBits = tableBits(64);
    this.attrIndex = new Int32Array(withChildIndex ? 1 << this.attrBits : 0).fill(-1);
    this.attrLink = new Int32Array(withChildIndex ? 0 : 64);
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

  appendAttr(node: number, frame: number): number {
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
      if (this.attrLink.length > 0) {
        const al = new Int32Array(cap);
        al.set(this.attrLink);
        this.attrLink = al;
      }
    }
    const o = this.attrCount++;
    this.attrNode[o] = node;
    this.attrFrame[o] = frame;
    this.attrTime[o] = 0;
    return o;
  }

  attrObservationListed(node: number, frame: number, head: number): number {
    for (let o = head; o >= 0; o = this.attrLink[o]) if (this.attrFrame[o] === frame) return o;
    const o = this.appendAttr(node, frame);
    this.attrLink[o] = head;
    return o;
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
    const o = this.appendAttr(node, frame);
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
  const attrNext = new Int32Array(stackCount);
  let maxDepth = 0;
  for (let i = 0; i < stackCount; i++) {
    const p = stackParent[i];
    let d = 1;
    let up = -1;
    if (p >= 0) {
      d = depth[p] + 1;
      up = (frameFlags[stackFrame[p]] & 2) !== 0 ? p : attrNext[p];
    }
    depth[i] = d;
    attrNext[i] = up;
    if (d > maxDepth) maxDepth = d;
  }
  const slots = maxDepth + 2;
  const pathIdent = new Int32Array(slots);
  const pathNode = new Int32Array(slots);
  const walkStack = new Int32Array(slots);
  const curIdent = new Int32Array(slots);
  const obsFrame = new Int32Array(slots);
  const obsIndex = new Int32Array(slots);
  const obsHead = new Int32Array(slots);
  const segFirst = new Int32Array(slots);
  const segAcc = new Float64Array(slots);
  const attrDepths = new Int32Array(slots);

  // per stack node, 4 ints: parent, identifier, frame-info id, aggregated node (-1 = unknown)
  const rec = new Int32Array(stackCount * 4);
  for (let i = 0; i < stackCount; i++) {
    const f = stackFrame[i];
    rec[i * 4] = stackParent[i];
    rec[i * 4 + 1] = frameIdentifier[f];
    rec[i * 4 + 2] = f;
    rec[i * 4 + 3] = -1;
  }
  const t = new TreeTables(Math.max(64, stackCount * 2 + (aggregate ? 2 : 64)), aggregate);
  const stackSelfAgg = new Int32Array(aggregate ? stackCount : 0).fill(-1);
  t.appendNode(-1, -1);
  let pathLen = 0;
  let prevFrames = 0;
  let segCount = 0;
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
      curIdent[d] = rec[n * 4 + 1];
      n = rec[n * 4];
      d--;
    }
    prevFrames = frames;
    const leafFrame = rec[leaf * 4 + 2];

    let k = d + 1;
    const lim = frames < pathLen ? frames : pathLen;
    while (k <= lim && pathIdent[k] === curIdent[k]) k++;
    const hasSelf = (frameFlags[leafFrame] & 1) === 0;
    const len = hasSelf ? frames + 1 : frames;
    if (hasSelf && k === frames + 1 && k <= pathLen && pathIdent[k] === selfIdentifier) k++;

    if (k <= pathLen) {
      const time = t.time;
      let last = pathLen;
      while (segCount > 0) {
        const top = segCount - 1;
        const first = segFirst[top];
        const acc = segAcc[top];
        const from = first > k ? first : k;
        if (aggregate) for (let e = from; e <= last; e++) time[pathNode[e]] += acc;
        else for (let e = from; e <= last; e++) time[pathNode[e]] = acc;
        if (first < k) break;
        last = first - 1;
        segCount = top;
      }
    }
    if (k <= len) {
      for (let e = k; e <= len; e++) {
        let ident: number;
        let node: number;
        if (e <= frames) {
          ident = curIdent[e];
          if (aggregate) {
            const r = walkStack[e] * 4 + 3;
            node = rec[r];
            if (node < 0) node = rec[r] = t.childNode(pathNode[e - 1], ident);
          } else {
            node = t.appendNode(pathNode[e - 1], ident);
          }
        } else {
          ident = selfIdentifier;
          if (aggregate) {
            node = stackSelfAgg[leaf];
            if (node < 0) node = stackSelfAgg[leaf] = t.childNode(pathNode[e - 1], ident);
          } else {
            node = t.appendNode(pathNode[e - 1], ident);
          }
        }
        pathIdent[e] = ident;
        pathNode[e] = node;
        obsFrame[e] = -1;
        obsHead[e] = -1;
      }
      segFirst[segCount] = k;
      segAcc[segCount] = 0;
      segCount++;
    }
    pathLen = len;

    rootTime += w;
    for (let i = 0; i < segCount; i++) segAcc[i] += w;

    let a = (frameFlags[leafFrame] & 2) !== 0 ? leaf : attrNext[leaf];
    if (a >= 0) {
      let m = 0;
      while (a >= 0) {
        attrDepths[m++] = a;
        a = attrNext[a];
      }
      while (m > 0) {
        const node = attrDepths[--m];
        const e = depth[node];
        const f = rec[node * 4 + 2];
        let o: number;
        if (obsFrame[e] === f) {
          o = obsIndex[e];
        } else {
          if (aggregate) {
            o = t.attrObservation(pathNode[e], f);
          } else {
            o = t.attrObservationListed(pathNode[e], f, obsHead[e]);
            if (o > obsHead[e]) obsHead[e] = o;
          }
          obsFrame[e] = f;
          obsIndex[e] = o;
        }
        t.attrTime[o] += w;
      }
    }
  }
  let last = pathLen;
  const time = t.time;
  while (segCount > 0) {
    const top = --segCount;
    const first = segFirst[top];
    const acc = segAcc[top];
    if (aggregate) for (let e = first; e <= last; e++) time[pathNode[e]] += acc;
    else for (let e = first; e <= last; e++) time[pathNode[e]] = acc;
    last = first - 1;
  }
  time[0] = rootTime;
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

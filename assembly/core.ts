// WebAssembly core of the call-tree builder (AssemblyScript).
//
// Build: asc assembly/core.ts -o build/core.wasm -O3 --noAssert --runtime stub --use abort=
// (then `node scripts/embed-wasm.mjs`, or just `npm run build:core`).
//
// Boundary rules: only i32 ids / pointers and f64 times cross it. No strings, no GC objects.
// JS calls `reset()`, reserves input regions with `alloc(bytes)`, writes the inputs into
// linear memory, calls one of the entry points, then reads the results through the
// `res*()` getters and copies them out. All memory comes from the bump allocator below;
// `reset()` frees everything at once (linear memory itself never shrinks).
//
// Semantics are documented in src/core/index.ts; tests/core/reference.ts is the oracle.

// ---------------------------------------------------------------------------
// Bump allocator

const ALIGN: usize = 15;
let heapStart: usize = (__heap_base + ALIGN) & ~ALIGN;
let heapTop: usize = heapStart;

function ensureMemory(end: u64): void {
  if (end > 0x1_0000_0000) unreachable(); // beyond 4 GiB: out of memory
  const pages = memory.size();
  const have: u64 = <u64>pages << 16;
  if (end > have) {
    const need = <i32>((end - have + 0xffff) >> 16);
    const want = max(need, pages); // grow geometrically, fall back to the minimum
    if (memory.grow(want) < 0) {
      if (memory.grow(need) < 0) unreachable();
    }
  }
}

/** Frees every allocation (the next allocation starts at the heap base again). */
export function reset(): void {
  heapTop = heapStart;
}

/** Reserves `bytes` bytes (16-byte aligned); grows linear memory when needed. */
export function alloc(bytes: i32): usize {
  const ptr = heapTop;
  const end: u64 = (<u64>ptr + <u64><u32>bytes + <u64>ALIGN) & ~(<u64>ALIGN);
  ensureMemory(end);
  heapTop = <usize>end;
  return ptr;
}

/** Grows a block from `oldBytes` to `newBytes`, in place when it is the last block. */
function growBlock(ptr: usize, oldBytes: usize, newBytes: usize): usize {
  const oldEnd = (ptr + oldBytes + ALIGN) & ~ALIGN;
  if (oldEnd == heapTop) {
    const end: u64 = (<u64>ptr + <u64>newBytes + <u64>ALIGN) & ~(<u64>ALIGN);
    ensureMemory(end);
    heapTop = <usize>end;
    return ptr;
  }
  const fresh = alloc(<i32>newBytes);
  memory.copy(fresh, ptr, oldBytes);
  return fresh;
}

// ---------------------------------------------------------------------------
// Small helpers

// @ts-ignore: decorator
@inline function ldI(base: usize, i: i32): i32 {
  return load<i32>(base + (<usize>i << 2));
}
// @ts-ignore: decorator
@inline function stI(base: usize, i: i32, v: i32): void {
  store<i32>(base + (<usize>i << 2), v);
}
// @ts-ignore: decorator
@inline function ldF(base: usize, i: i32): f64 {
  return load<f64>(base + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function stF(base: usize, i: i32, v: f64): void {
  store<f64>(base + (<usize>i << 3), v);
}
// @ts-ignore: decorator
@inline function ldB(base: usize, i: i32): i32 {
  return <i32>load<u8>(base + <usize>i);
}

/** Hash of an (i32, i32) key; the caller takes the top bits (`>>> shift`). */
// @ts-ignore: decorator
@inline function mix(a: i32, b: i32): u32 {
  let h = (<u32>a * 0x9e3779b1) ^ <u32>b;
  h = (h ^ (h >>> 16)) * 0x85ebca6b;
  h ^= h >>> 13;
  return h * 0xc2b2ae35;
}

/** log2 of the smallest power of two >= max(16, 2 * n) (load factor <= 0.5). */
function tableBits(n: i32): i32 {
  let bits = 4;
  while ((<i64>1 << bits) < (<i64>n << 1)) bits++;
  return bits;
}

function newTable(bits: i32): usize {
  const bytes = <usize>4 << bits;
  const t = alloc(<i32>bytes);
  memory.fill(t, 0xff, bytes); // every slot -1 (empty)
  return t;
}

// ---------------------------------------------------------------------------
// Results (read by JS through the getters below)

let resCount: i32 = 0;
let resParent: usize = 0; // i32[resCount]
let resIdent: usize = 0; // i32[resCount]  (mergeStacks: frame)
let resTime: usize = 0; // f64[resCount]
let resAttrCount: i32 = 0;
let resAttrNode: usize = 0; // i32[resAttrCount]
let resAttrFrame: usize = 0; // i32[resAttrCount]
let resAttrTime: usize = 0; // f64[resAttrCount]
let resMap: usize = 0; // mergeStacks: i32[b.count]; resample: f64 weights

export function resultCount(): i32 { return resCount; }
export function resultParent(): usize { return resParent; }
export function resultIdent(): usize { return resIdent; }
export function resultTime(): usize { return resTime; }
export function resultAttrCount(): i32 { return resAttrCount; }
export function resultAttrNode(): usize { return resAttrNode; }
export function resultAttrFrame(): usize { return resAttrFrame; }
export function resultAttrTime(): usize { return resAttrTime; }
export function resultMap(): usize { return resMap; }

// ---------------------------------------------------------------------------
// Tree state (node table, child index, attribute observations)

let nodeCap: i32 = 0;
let childTable: usize = 0; // (parent, identifier) -> node, aggregated mode only
let childBits: i32 = 0;
let attrCap: i32 = 0;
let attrTable: usize = 0; // aggregated mode: (node, frame) -> observation
let attrBits: i32 = 0;
let attrLink: usize = 0; // chronological mode: previous observation of the same node (-1 = none)

function growNodes(): void {
  const old = nodeCap;
  const cap = old << 1;
  resParent = growBlock(resParent, <usize>old << 2, <usize>cap << 2);
  resIdent = growBlock(resIdent, <usize>old << 2, <usize>cap << 2);
  resTime = growBlock(resTime, <usize>old << 3, <usize>cap << 3);
  nodeCap = cap;
}

// @ts-ignore: decorator
@inline function appendNode(parent: i32, ident: i32): i32 {
  if (resCount == nodeCap) growNodes();
  const n = resCount;
  stI(resParent, n, parent);
  stI(resIdent, n, ident);
  stF(resTime, n, 0.0);
  resCount = n + 1;
  return n;
}

function rehashChildren(): void {
  childBits++;
  childTable = newTable(childBits);
  const shift = 32 - childBits;
  const mask = (1 << childBits) - 1;
  for (let n = 1; n < resCount; n++) {
    let i = <i32>(mix(ldI(resParent, n), ldI(resIdent, n)) >>> shift);
    while (ldI(childTable, i) >= 0) i = (i + 1) & mask;
    stI(childTable, i, n);
  }
}

/** Aggregated mode: the child of `parent` with `ident`, created when missing. */
function childNode(parent: i32, ident: i32): i32 {
  const shift = 32 - childBits;
  const mask = (1 << childBits) - 1;
  let i = <i32>(mix(parent, ident) >>> shift);
  while (true) {
    const n = ldI(childTable, i);
    if (n < 0) break;
    if (ldI(resParent, n) == parent && ldI(resIdent, n) == ident) return n;
    i = (i + 1) & mask;
  }
  const c = appendNode(parent, ident);
  stI(childTable, i, c);
  if (resCount << 1 > (1 << childBits)) rehashChildren();
  return c;
}

function growAttrs(): void {
  const old = attrCap;
  const cap = old << 1;
  resAttrNode = growBlock(resAttrNode, <usize>old << 2, <usize>cap << 2);
  resAttrFrame = growBlock(resAttrFrame, <usize>old << 2, <usize>cap << 2);
  resAttrTime = growBlock(resAttrTime, <usize>old << 3, <usize>cap << 3);
  if (attrLink != 0) attrLink = growBlock(attrLink, <usize>old << 2, <usize>cap << 2);
  attrCap = cap;
}

function rehashAttrs(): void {
  attrBits++;
  attrTable = newTable(attrBits);
  const shift = 32 - attrBits;
  const mask = (1 << attrBits) - 1;
  for (let o = 0; o < resAttrCount; o++) {
    let i = <i32>(mix(ldI(resAttrNode, o), ldI(resAttrFrame, o)) >>> shift);
    while (ldI(attrTable, i) >= 0) i = (i + 1) & mask;
    stI(attrTable, i, o);
  }
}

// @ts-ignore: decorator
@inline function appendAttr(node: i32, frame: i32): i32 {
  if (resAttrCount == attrCap) growAttrs();
  const o = resAttrCount;
  stI(resAttrNode, o, node);
  stI(resAttrFrame, o, frame);
  stF(resAttrTime, o, 0.0);
  resAttrCount = o + 1;
  return o;
}

/**
 * Chronological mode: the observation (node, frame), created when missing. A chronological node
 * only gets observations while it is on the path, so its observations are kept in a short list
 * (`head` = its newest observation, linked through attrLink) instead of a global hash.
 */
function attrObservationListed(node: i32, frame: i32, head: i32): i32 {
  let o = head;
  while (o >= 0) {
    if (ldI(resAttrFrame, o) == frame) return o;
    o = ldI(attrLink, o);
  }
  o = appendAttr(node, frame);
  stI(attrLink, o, head);
  return o;
}

/** Aggregated mode: the observation (node, frame), created (time 0) when missing. */
function attrObservation(node: i32, frame: i32): i32 {
  const shift = 32 - attrBits;
  const mask = (1 << attrBits) - 1;
  let i = <i32>(mix(node, frame) >>> shift);
  while (true) {
    const o = ldI(attrTable, i);
    if (o < 0) break;
    if (ldI(resAttrNode, o) == node && ldI(resAttrFrame, o) == frame) return o;
    i = (i + 1) & mask;
  }
  const o = appendAttr(node, frame);
  stI(attrTable, i, o);
  if (resAttrCount << 1 > (1 << attrBits)) rehashAttrs();
  return o;
}

// ---------------------------------------------------------------------------
// Call trees (treeBegin / treeSamples / treeEnd)
//
// Samples are processed in order against the current path (one element per depth; element e
// is the chronological node = "run" at depth e). A sample keeps the elements above the first
// depth k where its identifiers differ, ends the elements k..pathLen and starts new ones at
// k..len. Each run's time is the sequential sum of the weights of its samples.
//
// Runs that started with the same sample have received exactly the same weights in the same
// order (every sample adds to every element of the path), so their sums are bit-identical. The
// path is therefore kept as a stack of *segments* (first depth, shared accumulator): a sample
// costs one addition per segment instead of one per depth. When a run ends its time is written
// to its node: chronological tree `time[node] = acc`; aggregated tree `time[node] += acc`
// (pyinstrument's combine_frames order: runs of one aggregated node never overlap, so they end
// in chronological order).

// @ts-ignore: decorator
@inline function endRun(aggregate: bool, node: i32, acc: f64): void {
  if (aggregate) stF(resTime, node, ldF(resTime, node) + acc);
  else stF(resTime, node, acc);
}

// The build is split into treeBegin / treeSamples (called for consecutive chunks of samples) /
// treeEnd, so that a long build runs mostly in optimized code: engines tier a WASM function up
// between calls, not in the middle of one. The state between calls lives in these globals.
let tAgg: bool = false;
let tFrameFlags: usize = 0;
let tSelfIdent: i32 = 0;
let tSampleStack: usize = 0;
let tSampleWeight: usize = 0;
let tSampleCount: i32 = 0;
let tDepth: usize = 0; // per stack node: depth (top level = 1)
let tAttrNext: usize = 0; // per stack node: nearest strict ancestor with attributes, or -1
// Per stack node, one 16-byte record (one cache line per step of a walk):
// [0] parent, [4] identifier, [8] frame-info id, [12] aggregated node (aggregated mode; -1 =
// not known yet). An aggregated node is determined by its identifier path, so every stack node
// maps to one aggregated node, and its [self] element to one more (tStackSelfAgg). With these
// caches the (parent, identifier) hash is needed once per stack node only.
let tStackRec: usize = 0;
let tStackSelfAgg: usize = 0; // aggregated mode, per stack node: its [self] child, or -1
// per depth 0..maxDepth+1 (depth 0 = root, maxDepth+1 = a [self] element)
let tPathIdent: usize = 0; // identifier of the current path element
let tPathNode: usize = 0; // output node of the current path element
let tWalkStack: usize = 0; // stack node of the previous sample at this depth
let tCurIdent: usize = 0; // identifier of the current sample at this depth
let tObsFrame: usize = 0; // cache: frame of tObsIndex (-1 = none)
let tObsIndex: usize = 0; // cache: observation of (path node, tObsFrame)
let tObsHead: usize = 0; // chronological mode: newest observation of the path node
let tSegFirst: usize = 0; // segment stack: first depth of each segment
let tSegAcc: usize = 0; // segment stack: the run time shared by the segment
let tAttrScratch: usize = 0; // scratch: stack nodes with attributes on the sample's path
let tPathLen: i32 = 0; // length of the current path (depth of its last element)
let tPrevFrames: i32 = 0; // number of frames (without [self]) of the previous sample
let tSegCount: i32 = 0;
let tRootTime: f64 = 0.0;

/**
 * Starts building the chronological (aggregate == 0) or aggregated (aggregate != 0) call tree.
 * Returns 0, or a negative error code: -1 bad stackParent (must be -1 <= p < i), -2 bad
 * stackFrame (0 <= f < frameCount), -3 bad sampleStack (0 <= s < stackCount).
 */
export function treeBegin(
  aggregate: i32,
  stackParent: usize,
  stackFrame: usize,
  stackCount: i32,
  frameIdent: usize,
  frameFlags: usize,
  frameCount: i32,
  selfIdent: i32,
  sampleStack: usize,
  sampleWeight: usize,
  sampleCount: i32,
): i32 {
  const agg = aggregate != 0;
  tAgg = agg;
  tFrameFlags = frameFlags;
  tSelfIdent = selfIdent;
  tSampleStack = sampleStack;
  tSampleWeight = sampleWeight;
  tSampleCount = sampleCount;
  resCount = 0;
  resAttrCount = 0;

  // Per stack node: depth and attrNext (validates the trie on the way).
  const depth = alloc(stackCount << 2);
  const attrNext = alloc(stackCount << 2);
  tDepth = depth;
  tAttrNext = attrNext;
  let maxDepth = 0;
  for (let i = 0; i < stackCount; i++) {
    const p = ldI(stackParent, i);
    const f = ldI(stackFrame, i);
    if (p < -1 || p >= i) return -1;
    if (<u32>f >= <u32>frameCount) return -2;
    let d = 1;
    let up = -1;
    if (p >= 0) {
      d = ldI(depth, p) + 1;
      up = (ldB(frameFlags, ldI(stackFrame, p)) & 2) != 0 ? p : ldI(attrNext, p);
    }
    stI(depth, i, d);
    stI(attrNext, i, up);
    if (d > maxDepth) maxDepth = d;
  }
  for (let s = 0; s < sampleCount; s++) {
    if (<u32>ldI(sampleStack, s) >= <u32>stackCount) return -3;
  }

  const slots = maxDepth + 2;
  tPathIdent = alloc(slots << 2);
  tPathNode = alloc(slots << 2);
  tWalkStack = alloc(slots << 2);
  tCurIdent = alloc(slots << 2);
  tObsFrame = alloc(slots << 2);
  tObsIndex = alloc(slots << 2);
  tObsHead = alloc(slots << 2);
  tSegFirst = alloc(slots << 2);
  tSegAcc = alloc(slots << 3);
  tAttrScratch = alloc(slots << 2);

  // Output tables.
  nodeCap = max(64, agg ? (stackCount << 1) + 2 : (stackCount << 1) + 64);
  resParent = alloc(nodeCap << 2);
  resIdent = alloc(nodeCap << 2);
  resTime = alloc(nodeCap << 3);
  const rec = alloc(stackCount << 4);
  tStackRec = rec;
  for (let i = 0; i < stackCount; i++) {
    const r = rec + (<usize>i << 4);
    const f = ldI(stackFrame, i);
    store<i32>(r, ldI(stackParent, i));
    store<i32>(r, ldI(frameIdent, f), 4);
    store<i32>(r, f, 8);
    store<i32>(r, -1, 12);
  }
  if (agg) {
    childBits = tableBits(nodeCap);
    childTable = newTable(childBits);
    tStackSelfAgg = alloc(stackCount << 2);
    memory.fill(tStackSelfAgg, 0xff, <usize>stackCount << 2);
  }
  attrCap = 64;
  resAttrNode = alloc(attrCap << 2);
  resAttrFrame = alloc(attrCap << 2);
  resAttrTime = alloc(attrCap << 3);
  attrLink = 0;
  if (agg) {
    attrBits = tableBits(attrCap);
    attrTable = newTable(attrBits);
  } else {
    attrLink = alloc(attrCap << 2);
  }

  appendNode(-1, -1); // node 0: the dummy root
  stI(tPathNode, 0, 0);
  tPathLen = 0;
  tPrevFrames = 0;
  tSegCount = 0;
  tRootTime = 0.0;
  return 0;
}

/** Processes samples from..to-1 (call with consecutive ranges, after treeBegin). */
export function treeSamples(from: i32, to: i32): void {
  const agg = tAgg;
  const frameFlags = tFrameFlags;
  const selfIdent = tSelfIdent;
  const sampleStack = tSampleStack;
  const sampleWeight = tSampleWeight;
  const depth = tDepth;
  const attrNext = tAttrNext;
  const stackRec = tStackRec;
  const stackSelfAgg = tStackSelfAgg;
  const pathIdent = tPathIdent;
  const pathNode = tPathNode;
  const walkStack = tWalkStack;
  const curIdent = tCurIdent;
  const obsFrame = tObsFrame;
  const obsIndex = tObsIndex;
  const obsHead = tObsHead;
  const segFirst = tSegFirst;
  const segAcc = tSegAcc;
  const attrScratch = tAttrScratch;
  let pathLen = tPathLen;
  let prevFrames = tPrevFrames;
  let segCount = tSegCount;
  let rootTime = tRootTime;
  to = min(to, tSampleCount);

  for (let s = from; s < to; s++) {
    const leaf = ldI(sampleStack, s);
    const w = ldF(sampleWeight, s);
    const frames = ldI(depth, leaf);

    // Walk up from the leaf until we meet the previous sample's stack (same stack node at the
    // same depth => everything above is identical too).
    let n = leaf;
    let d = frames;
    while (d > 0) {
      if (d <= prevFrames && ldI(walkStack, d) == n) break;
      stI(walkStack, d, n);
      const r = stackRec + (<usize>n << 4);
      stI(curIdent, d, load<i32>(r, 4));
      n = load<i32>(r);
      d--;
    }
    prevFrames = frames;
    const leafRec = stackRec + (<usize>leaf << 4);
    const leafFrame = load<i32>(leafRec, 8);

    // First depth k whose identifier differs from the current path.
    let k = d + 1;
    const lim = min(frames, pathLen);
    while (k <= lim && ldI(pathIdent, k) == ldI(curIdent, k)) k++;
    const hasSelf = (ldB(frameFlags, leafFrame) & 1) == 0;
    const len = hasSelf ? frames + 1 : frames;
    if (hasSelf && k == frames + 1 && k <= pathLen && ldI(pathIdent, k) == selfIdent) k++;

    // Elements k..pathLen end here (replaced or truncated).
    if (k <= pathLen) {
      let last = pathLen;
      while (segCount > 0) {
        const top = segCount - 1;
        const first = ldI(segFirst, top);
        const acc = ldF(segAcc, top);
        const from = max(first, k);
        for (let e = from; e <= last; e++) endRun(agg, ldI(pathNode, e), acc);
        if (first < k) break; // partially cut: the segment keeps depths first..k-1
        last = first - 1;
        segCount = top;
      }
    }
    // New elements k..len: one new segment.
    if (k <= len) {
      for (let e = k; e <= len; e++) {
        let ident: i32;
        let node: i32;
        if (e <= frames) {
          ident = ldI(curIdent, e);
          if (agg) {
            const r = stackRec + (<usize>ldI(walkStack, e) << 4);
            node = load<i32>(r, 12);
            if (node < 0) {
              node = childNode(ldI(pathNode, e - 1), ident);
              store<i32>(r, node, 12);
            }
          } else {
            node = appendNode(ldI(pathNode, e - 1), ident);
          }
        } else {
          ident = selfIdent;
          if (agg) {
            node = ldI(stackSelfAgg, leaf);
            if (node < 0) {
              node = childNode(ldI(pathNode, e - 1), ident);
              stI(stackSelfAgg, leaf, node);
            }
          } else {
            node = appendNode(ldI(pathNode, e - 1), ident);
          }
        }
        stI(pathIdent, e, ident);
        stI(pathNode, e, node);
        stI(obsFrame, e, -1);
        stI(obsHead, e, -1);
      }
      stI(segFirst, segCount, k);
      stF(segAcc, segCount, 0.0);
      segCount++;
    }
    pathLen = len;

    rootTime += w;
    for (let i = 0; i < segCount; i++) stF(segAcc, i, ldF(segAcc, i) + w);

    // Attribute observations, in increasing depth (first-creation order matters).
    let a = (ldB(frameFlags, leafFrame) & 2) != 0 ? leaf : ldI(attrNext, leaf);
    if (a >= 0) {
      let m = 0;
      while (a >= 0) {
        stI(attrScratch, m++, a);
        a = ldI(attrNext, a);
      }
      while (m > 0) {
        const node = ldI(attrScratch, --m);
        const e = ldI(depth, node);
        const f = load<i32>(stackRec + (<usize>node << 4), 8);
        let o: i32;
        if (ldI(obsFrame, e) == f) {
          o = ldI(obsIndex, e);
        } else {
          if (agg) {
            o = attrObservation(ldI(pathNode, e), f);
          } else {
            o = attrObservationListed(ldI(pathNode, e), f, ldI(obsHead, e));
            stI(obsHead, e, max(o, ldI(obsHead, e)));
          }
          stI(obsFrame, e, f);
          stI(obsIndex, e, o);
        }
        stF(resAttrTime, o, ldF(resAttrTime, o) + w);
      }
    }
  }

  tPathLen = pathLen;
  tPrevFrames = prevFrames;
  tSegCount = segCount;
  tRootTime = rootTime;
}

/** Finishes the build (the input ends: every element of the path ends). Returns the node count. */
export function treeEnd(): i32 {
  const agg = tAgg;
  let last = tPathLen;
  let segCount = tSegCount;
  while (segCount > 0) {
    const top = --segCount;
    const first = ldI(tSegFirst, top);
    const acc = ldF(tSegAcc, top);
    for (let e = first; e <= last; e++) endRun(agg, ldI(tPathNode, e), acc);
    last = first - 1;
  }
  tSegCount = 0;
  tPathLen = 0;
  stF(resTime, 0, tRootTime);
  return resCount;
}

// ---------------------------------------------------------------------------
// mergeStacks

/**
 * Union of two stack tries (see src/core/index.ts). Returns the merged node count, or -1 / -2
 * when a / b violate -1 <= parent[i] < i. Results: resultParent/resultIdent (frames) and
 * resultMap (b id -> merged id).
 */
export function mergeStacks(
  aParent: usize,
  aFrame: usize,
  aCount: i32,
  bParent: usize,
  bFrame: usize,
  bCount: i32,
): i32 {
  for (let i = 0; i < aCount; i++) {
    const p = ldI(aParent, i);
    if (p < -1 || p >= i) return -1;
  }
  for (let i = 0; i < bCount; i++) {
    const p = ldI(bParent, i);
    if (p < -1 || p >= i) return -2;
  }
  const cap = aCount + bCount;
  const parent = alloc(cap << 2);
  const frame = alloc(cap << 2);
  const map = alloc(bCount << 2);
  memory.copy(parent, aParent, <usize>aCount << 2);
  memory.copy(frame, aFrame, <usize>aCount << 2);
  const bits = tableBits(cap);
  const table = newTable(bits);
  const shift = 32 - bits;
  const mask = (1 << bits) - 1;

  for (let n = 0; n < aCount; n++) {
    const p = ldI(parent, n);
    const f = ldI(frame, n);
    let i = <i32>(mix(p, f) >>> shift);
    while (true) {
      const m = ldI(table, i);
      if (m < 0) {
        stI(table, i, n);
        break;
      }
      if (ldI(parent, m) == p && ldI(frame, m) == f) break; // duplicate in a: keep the first
      i = (i + 1) & mask;
    }
  }

  let count = aCount;
  for (let j = 0; j < bCount; j++) {
    const bp = ldI(bParent, j);
    const p = bp < 0 ? -1 : ldI(map, bp);
    const f = ldI(bFrame, j);
    let i = <i32>(mix(p, f) >>> shift);
    let found = -1;
    while (true) {
      const m = ldI(table, i);
      if (m < 0) break;
      if (ldI(parent, m) == p && ldI(frame, m) == f) {
        found = m;
        break;
      }
      i = (i + 1) & mask;
    }
    if (found < 0) {
      found = count++;
      stI(parent, found, p);
      stI(frame, found, f);
      stI(table, i, found);
    }
    stI(map, j, found);
  }

  resCount = count;
  resParent = parent;
  resIdent = frame;
  resMap = map;
  return count;
}

// ---------------------------------------------------------------------------
// resample

/**
 * pyinstrument's Session._resample_frame_records. Returns the number of emitted records;
 * results: resultParent (i32 indices) and resultMap (f64 weights).
 */
export function resample(weight: usize, count: i32, interval: f64): i32 {
  const index = alloc(count << 2);
  const out = alloc(count << 3);
  let acc: f64 = 0.0;
  let m = 0;
  for (let i = 0; i < count; i++) {
    acc += ldF(weight, i);
    if (acc >= interval) {
      stI(index, m, i);
      stF(out, m, acc);
      m++;
      acc = acc % interval;
    }
  }
  resCount = m;
  resParent = index;
  resMap = out;
  return m;
}

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
let attrTable: usize = 0; // (node, frame) -> observation
let attrBits: i32 = 0;

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

/** The observation (node, frame), created (time 0) when missing. */
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
  if (resAttrCount == attrCap) growAttrs();
  const o = resAttrCount;
  stI(resAttrNode, o, node);
  stI(resAttrFrame, o, frame);
  stF(resAttrTime, o, 0.0);
  resAttrCount = o + 1;
  stI(attrTable, i, o);
  if (resAttrCount << 1 > (1 << attrBits)) rehashAttrs();
  return o;
}

// ---------------------------------------------------------------------------
// buildTree

/**
 * Builds the chronological (aggregate == 0) or aggregated (aggregate != 0) call tree.
 * Returns the node count, or a negative error code:
 * -1 bad stackParent (must be -1 <= p < i), -2 bad stackFrame (0 <= f < frameCount),
 * -3 bad sampleStack (0 <= s < stackCount).
 */
export function buildTree(
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
  resCount = 0;
  resAttrCount = 0;

  // Per stack node: depth (root-level node = 1) and whether any frame on its path carries
  // attributes. Validates the trie on the way.
  const depth = alloc(stackCount << 2);
  const attrOnPath = alloc(stackCount);
  let maxDepth = 0;
  for (let i = 0; i < stackCount; i++) {
    const p = ldI(stackParent, i);
    const f = ldI(stackFrame, i);
    if (p < -1 || p >= i) return -1;
    if (<u32>f >= <u32>frameCount) return -2;
    const own = (ldB(frameFlags, f) & 2) != 0;
    let d = 1;
    let a = own;
    if (p >= 0) {
      d = ldI(depth, p) + 1;
      a = a || ldB(attrOnPath, p) != 0;
    }
    stI(depth, i, d);
    store<u8>(attrOnPath + <usize>i, a ? 1 : 0);
    if (d > maxDepth) maxDepth = d;
  }
  for (let s = 0; s < sampleCount; s++) {
    if (<u32>ldI(sampleStack, s) >= <u32>stackCount) return -3;
  }

  // Per-depth state, indexed 0..maxDepth+1 (depth 0 = root, maxDepth+1 = a [self] element).
  const slots = maxDepth + 2;
  const pathIdent = alloc(slots << 2); // identifier of the current path element
  const pathNode = alloc(slots << 2); // output node of the current path element
  const runTime = alloc(slots << 3); // aggregated mode: time of the current chronological run
  const walkStack = alloc(slots << 2); // stack node of the previous sample at this depth
  const curFrame = alloc(slots << 2); // frame-info id of the current sample at this depth
  const curIdent = alloc(slots << 2); // identifier of the current sample at this depth
  const obsFrame = alloc(slots << 2); // cache: frame of obsIndex (-1 = none)
  const obsIndex = alloc(slots << 2); // cache: observation of (pathNode, obsFrame)

  // Output tables.
  nodeCap = max(64, aggregate != 0 ? (stackCount << 1) + 2 : (stackCount << 1) + 64);
  resParent = alloc(nodeCap << 2);
  resIdent = alloc(nodeCap << 2);
  resTime = alloc(nodeCap << 3);
  if (aggregate != 0) {
    childBits = tableBits(nodeCap);
    childTable = newTable(childBits);
  }
  attrCap = 64;
  resAttrNode = alloc(attrCap << 2);
  resAttrFrame = alloc(attrCap << 2);
  resAttrTime = alloc(attrCap << 3);
  attrBits = tableBits(attrCap);
  attrTable = newTable(attrBits);

  appendNode(-1, -1); // node 0: the dummy root
  stI(pathNode, 0, 0);

  let pathLen = 0; // D: length of the current path (depth of its last element)
  let prevFrames = 0; // number of frames (without [self]) of the previous sample
  let rootTime: f64 = 0.0;

  for (let s = 0; s < sampleCount; s++) {
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
      const f = ldI(stackFrame, n);
      stI(curFrame, d, f);
      stI(curIdent, d, ldI(frameIdent, f));
      n = ldI(stackParent, n);
      d--;
    }
    prevFrames = frames;

    // First depth whose identifier differs from the current path.
    let k = d + 1;
    const lim = min(frames, pathLen);
    while (k <= lim && ldI(pathIdent, k) == ldI(curIdent, k)) k++;
    const hasSelf = (ldB(frameFlags, ldI(curFrame, frames)) & 1) == 0;
    const len = hasSelf ? frames + 1 : frames;
    if (hasSelf && k == frames + 1 && k <= pathLen && ldI(pathIdent, k) == selfIdent) k++;

    // Elements k..pathLen end here (replaced or truncated).
    if (aggregate != 0) {
      for (let e = k; e <= pathLen; e++) {
        const node = ldI(pathNode, e);
        stF(resTime, node, ldF(resTime, node) + ldF(runTime, e));
      }
    }
    // New elements k..len.
    for (let e = k; e <= len; e++) {
      const ident = e <= frames ? ldI(curIdent, e) : selfIdent;
      stI(pathIdent, e, ident);
      const parent = ldI(pathNode, e - 1);
      const node = aggregate != 0 ? childNode(parent, ident) : appendNode(parent, ident);
      stI(pathNode, e, node);
      stF(runTime, e, 0.0);
      stI(obsFrame, e, -1);
    }
    pathLen = len;

    rootTime += w;
    if (aggregate != 0) {
      for (let e = 1; e <= len; e++) stF(runTime, e, ldF(runTime, e) + w);
    } else {
      for (let e = 1; e <= len; e++) {
        const node = ldI(pathNode, e);
        stF(resTime, node, ldF(resTime, node) + w);
      }
    }

    if (ldB(attrOnPath, leaf) != 0) {
      for (let e = 1; e <= frames; e++) {
        const f = ldI(curFrame, e);
        if ((ldB(frameFlags, f) & 2) == 0) continue;
        let o: i32;
        if (ldI(obsFrame, e) == f) {
          o = ldI(obsIndex, e);
        } else {
          o = attrObservation(ldI(pathNode, e), f);
          stI(obsFrame, e, f);
          stI(obsIndex, e, o);
        }
        stF(resAttrTime, o, ldF(resAttrTime, o) + w);
      }
    }
  }

  if (aggregate != 0) {
    for (let e = 1; e <= pathLen; e++) {
      const node = ldI(pathNode, e);
      stF(resTime, node, ldF(resTime, node) + ldF(runTime, e));
    }
  }
  stF(resTime, 0, rootTime);
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

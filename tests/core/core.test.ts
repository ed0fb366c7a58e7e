import { test } from "uvu";
import * as assert from "uvu/assert";
import * as core from "../../src/core/index.ts";
import type { MergedStacks, Resampled, StackTrie, TreeInput, TreeOutput } from "../../src/core/index.ts";
import { coreMemoryBytes } from "../../src/core/wasm.ts";
import * as ref from "./reference.ts";
import * as fast from "../../bench/core-ts.ts";
import { rng } from "../../bench/random.ts";

// ---------------------------------------------------------------------------
// helpers

/** Rows [parent, identifier, time] of a tree, for readable exact comparisons. */
function rows(t: TreeOutput): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < t.nodeCount; i++) out.push([t.parent[i], t.identifier[i], t.time[i]]);
  return out;
}

function attrRows(t: TreeOutput): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < t.attrCount; i++) out.push([t.attrNode[i], t.attrFrame[i], t.attrTime[i]]);
  return out;
}

const scratchF64 = new Float64Array(2);
const scratchU32 = new Uint32Array(scratchF64.buffer);

/** Bit-identical comparison (distinguishes 0 / -0, and equates identical NaNs). */
function sameBits(x: number, y: number): boolean {
  scratchF64[0] = x;
  scratchF64[1] = y;
  return scratchU32[0] === scratchU32[2] && scratchU32[1] === scratchU32[3];
}

/** Exact (bit-identical, same length) comparison; returns a description of the first difference. */
function diffArrays(name: string, a: Int32Array | Float64Array, b: Int32Array | Float64Array, n: number): string | null {
  if (a.length !== n || b.length !== n) return `${name}: lengths ${a.length} / ${b.length}, expected ${n}`;
  for (let i = 0; i < n; i++) {
    if (!sameBits(a[i], b[i])) return `${name}[${i}]: ${a[i]} !== ${b[i]}`;
  }
  return null;
}

function diffTrees(a: TreeOutput, b: TreeOutput): string | null {
  if (a.nodeCount !== b.nodeCount) return `nodeCount ${a.nodeCount} !== ${b.nodeCount}`;
  if (a.attrCount !== b.attrCount) return `attrCount ${a.attrCount} !== ${b.attrCount}`;
  return (
    diffArrays("parent", a.parent, b.parent, a.nodeCount) ??
    diffArrays("identifier", a.identifier, b.identifier, a.nodeCount) ??
    diffArrays("time", a.time, b.time, a.nodeCount) ??
    diffArrays("attrNode", a.attrNode, b.attrNode, a.attrCount) ??
    diffArrays("attrFrame", a.attrFrame, b.attrFrame, a.attrCount) ??
    diffArrays("attrTime", a.attrTime, b.attrTime, a.attrCount)
  );
}

function diffMerged(a: MergedStacks, b: MergedStacks, bCount: number): string | null {
  if (a.count !== b.count) return `count ${a.count} !== ${b.count}`;
  return (
    diffArrays("parent", a.parent, b.parent, a.count) ??
    diffArrays("frame", a.frame, b.frame, a.count) ??
    diffArrays("bToMerged", a.bToMerged, b.bToMerged, bCount)
  );
}

function diffResampled(a: Resampled, b: Resampled): string | null {
  if (a.count !== b.count) return `count ${a.count} !== ${b.count}`;
  return diffArrays("index", a.index, b.index, a.count) ?? diffArrays("weight", a.weight, b.weight, a.count);
}

function checkTreeInvariants(t: TreeOutput, label: string): void {
  assert.is(t.parent[0], -1, `${label}: root parent`);
  assert.is(t.identifier[0], -1, `${label}: root identifier`);
  for (let i = 1; i < t.nodeCount; i++) {
    if (!(t.parent[i] >= 0 && t.parent[i] < i)) assert.unreachable(`${label}: parent[${i}] = ${t.parent[i]}`);
  }
}

function int(r: () => number, n: number): number {
  return Math.floor(r() * n);
}

const TRICKY_WEIGHTS = [0.1, 0.2, 0.3, 0.7, 1e-3, 1.1e-3, 0.0009765625, 1 / 3, 2.5e-4, 1e-9, 0.01];

function randomWeight(r: () => number, mode: number): number {
  if (mode === 0) return 0.001; // constant interval
  if (mode === 1) return TRICKY_WEIGHTS[int(r, TRICKY_WEIGHTS.length)];
  return r() * 0.01 + 1e-6;
}

function randomInput(r: () => number): TreeInput {
  const identCount = 1 + int(r, 12);
  const frameCount = 1 + int(r, 25);
  const frameIdentifier = new Int32Array(frameCount);
  for (let f = 0; f < frameCount; f++) frameIdentifier[f] = f < identCount ? f : int(r, identCount);
  // bit 0 is a property of the identifier; bit 1 of the frame info
  const synthetic = Array.from({ length: identCount }, () => r() < 0.15);
  const frameFlags = new Uint8Array(frameCount);
  for (let f = 0; f < frameCount; f++) {
    frameFlags[f] = (synthetic[frameIdentifier[f]] ? 1 : 0) | (r() < 0.3 ? 2 : 0);
  }
  const stackCount = 1 + int(r, r() < 0.2 ? 400 : 60);
  const stackParent = new Int32Array(stackCount);
  const stackFrame = new Int32Array(stackCount);
  const deep = r();
  for (let i = 0; i < stackCount; i++) {
    const u = r();
    stackParent[i] = i === 0 || u < 0.1 ? -1 : u < deep ? i - 1 : int(r, i);
    stackFrame[i] = int(r, frameCount);
  }
  // extra capacity beyond the counts is legal and must be ignored
  const sampleCount = int(r, r() < 0.2 ? 2000 : 200);
  const sampleStack = new Int32Array(sampleCount + int(r, 3));
  const sampleWeight = new Float64Array(sampleCount + int(r, 3));
  const mode = int(r, 3);
  let prev = int(r, stackCount);
  for (let s = 0; s < sampleCount; s++) {
    const u = r();
    let leaf: number;
    if (u < 0.35) leaf = prev;
    else if (u < 0.5 && stackParent[prev] >= 0) leaf = stackParent[prev];
    else if (u < 0.6 && prev + 1 < stackCount && stackParent[prev + 1] === prev) leaf = prev + 1;
    else leaf = int(r, stackCount);
    sampleStack[s] = leaf;
    sampleWeight[s] = randomWeight(r, mode);
    prev = leaf;
  }
  return {
    stackParent,
    stackFrame,
    stackCount,
    frameIdentifier,
    frameFlags,
    selfIdentifier: identCount + int(r, 3),
    sampleStack,
    sampleWeight,
    sampleCount,
  };
}

function randomTrie(r: () => number, count: number, frames: number, base: StackTrie | null): StackTrie {
  const parent = new Int32Array(count);
  const frame = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    if (base !== null && i < base.count && r() < 0.5) {
      // copy a node of the other trie when its parent is available, to make overlaps likely
      const p = base.parent[i];
      if (p < i) {
        parent[i] = p;
        frame[i] = base.frame[i];
        continue;
      }
    }
    parent[i] = i === 0 || r() < 0.15 ? -1 : int(r, i);
    frame[i] = int(r, frames);
  }
  return { parent, frame, count };
}

// ---------------------------------------------------------------------------
// hand-made cases

// Frame infos: 0 main(10), 1 a(11), 2 b(12), 3 a(11) with attributes, 4 [await](13) synthetic leaf.
const SELF = 99;
function handInput(stacks: number[], weights: number[]): TreeInput {
  return {
    // 0 main, 1 main>a, 2 main>a>b, 3 main>a', 4 main>b, 5 main>[await]
    stackParent: Int32Array.from([-1, 0, 1, 0, 0, 0]),
    stackFrame: Int32Array.from([0, 1, 2, 3, 2, 4]),
    stackCount: 6,
    frameIdentifier: Int32Array.from([10, 11, 12, 11, 13]),
    frameFlags: Uint8Array.from([0, 0, 0, 2, 1]),
    selfIdentifier: SELF,
    sampleStack: Int32Array.from(stacks),
    sampleWeight: Float64Array.from(weights),
    sampleCount: stacks.length,
  };
}

const HAND = handInput([1, 1, 2, 3, 4, 1, 5, 0], [0.1, 0.2, 0.3, 0.1, 0.2, 0.3, 0.1, 0.2]);
const TOTAL = 0.1 + 0.2 + 0.3 + 0.1 + 0.2 + 0.3 + 0.1 + 0.2;

test("chronological tree: hand-made case", () => {
  for (const impl of [core, ref, fast]) {
    const t = impl.buildChronologicalTree(HAND);
    assert.equal(rows(t), [
      [-1, -1, TOTAL],
      [0, 10, TOTAL], // main
      [1, 11, 0.1 + 0.2 + 0.3 + 0.1], // a (reused by frame info 3: same identifier)
      [2, SELF, 0.1 + 0.2], // [self] shared by the two consecutive samples
      [2, 12, 0.3], // b
      [4, SELF, 0.3],
      [2, SELF, 0.1], // not consecutive with the first [self] of a
      [1, 12, 0.2], // main>b
      [7, SELF, 0.2],
      [1, 11, 0.3], // a again: a new node
      [9, SELF, 0.3],
      [1, 13, 0.1], // [await]: synthetic leaf, no [self]
      [1, SELF, 0.2],
    ]);
    assert.equal(attrRows(t), [[2, 3, 0.1]]);
  }
});

test("aggregated tree: hand-made case", () => {
  for (const impl of [core, ref, fast]) {
    const t = impl.buildAggregatedTree(HAND);
    assert.equal(rows(t), [
      [-1, -1, TOTAL],
      [0, 10, TOTAL],
      [1, 11, 0.1 + 0.2 + 0.3 + 0.1 + 0.3],
      [2, SELF, 0.1 + 0.2 + 0.1 + 0.3],
      [2, 12, 0.3],
      [4, SELF, 0.3],
      [1, 12, 0.2],
      [6, SELF, 0.2],
      [1, 13, 0.1],
      [1, SELF, 0.2],
    ]);
    assert.equal(attrRows(t), [[2, 3, 0.1]]);
  }
});

test("aggregated tree: runs are summed first, then added in order", () => {
  // main>a 0.1, main>b 0.2, main>a 0.2, main>a 0.3: a = 0.1 + (0.2 + 0.3), which differs from
  // the per-sample sum (0.1 + 0.2) + 0.3.
  const input = handInput([1, 4, 1, 1], [0.1, 0.2, 0.2, 0.3]);
  assert.ok(0.1 + (0.2 + 0.3) !== 0.1 + 0.2 + 0.3);
  for (const impl of [core, ref, fast]) {
    const t = impl.buildAggregatedTree(input);
    assert.equal(rows(t), [
      [-1, -1, 0.1 + 0.2 + 0.2 + 0.3],
      [0, 10, 0.1 + 0.2 + 0.2 + 0.3],
      [1, 11, 0.1 + (0.2 + 0.3)],
      [2, SELF, 0.1 + (0.2 + 0.3)],
      [1, 12, 0.2],
      [4, SELF, 0.2],
    ]);
  }
});

test("attribute observations (node, frame info), first-creation order", () => {
  // frame infos 1 and 3 share identifier a; only 3 has attributes. Make 1 carry them too.
  const input = handInput([3, 1, 3, 2, 3], [0.1, 0.2, 0.3, 0.4, 0.5]);
  input.frameFlags = Uint8Array.from([2, 2, 0, 2, 1]);
  for (const impl of [core, ref, fast]) {
    const chrono = impl.buildChronologicalTree(input);
    // nodes: 1 main, 2 a, 3 self(a), 4 b, 5 self(b), 6 self(a)
    assert.equal(rows(chrono).map((r) => r.slice(0, 2)), [[-1, -1], [0, 10], [1, 11], [2, SELF], [2, 12], [4, SELF], [2, SELF]]);
    assert.equal(attrRows(chrono), [
      [1, 0, 0.1 + 0.2 + 0.3 + 0.4 + 0.5],
      [2, 3, 0.1 + 0.3 + 0.5],
      [2, 1, 0.2 + 0.4],
    ]);
    const agg = impl.buildAggregatedTree(input);
    assert.equal(attrRows(agg), attrRows(chrono));
  }
});

test("empty sample list gives just the root", () => {
  const input = handInput([], []);
  for (const impl of [core, ref, fast]) {
    for (const t of [impl.buildChronologicalTree(input), impl.buildAggregatedTree(input)]) {
      assert.equal(rows(t), [[-1, -1, 0]]);
      assert.is(t.attrCount, 0);
    }
  }
});

test("invalid input is rejected", () => {
  const bad = handInput([1], [0.1]);
  bad.stackParent = Int32Array.from([-1, 0, 2, 0, 0, 0]);
  assert.throws(() => core.buildAggregatedTree(bad), /stackParent/);
  const badFrame = handInput([1], [0.1]);
  badFrame.stackFrame = Int32Array.from([0, 1, 2, 3, 2, 5]);
  assert.throws(() => core.buildChronologicalTree(badFrame), /stackFrame/);
  const badSample = handInput([6], [0.1]);
  assert.throws(() => core.buildChronologicalTree(badSample), /sampleStack/);
  const badCount = handInput([1], [0.1]);
  badCount.sampleCount = 2;
  assert.throws(() => core.buildChronologicalTree(badCount), /sampleCount/);
  const trie = { parent: Int32Array.from([-1, 1]), frame: Int32Array.from([0, 0]), count: 2 };
  assert.throws(() => core.mergeStacks(trie, trie), /parent/);
  // the core is still usable afterwards
  assert.is(core.buildChronologicalTree(handInput([1], [0.1])).nodeCount, 4);
});

test("mergeStacks: hand-made case", () => {
  const a = { parent: Int32Array.from([-1, 0, 0]), frame: Int32Array.from([0, 1, 2]), count: 3 };
  const b = {
    parent: Int32Array.from([-1, 0, 1, -1, 0, 0]),
    frame: Int32Array.from([0, 2, 3, 5, 1, 4]),
    count: 6,
  };
  for (const impl of [core, ref, fast]) {
    const m = impl.mergeStacks(a, b);
    assert.is(m.count, 6);
    assert.equal(Array.from(m.parent), [-1, 0, 0, 2, -1, 0]);
    assert.equal(Array.from(m.frame), [0, 1, 2, 3, 5, 4]);
    assert.equal(Array.from(m.bToMerged), [0, 2, 3, 4, 1, 5]);
  }
  // a may contain duplicates: lookups find the first one
  const dup = { parent: Int32Array.from([-1, -1]), frame: Int32Array.from([7, 7]), count: 2 };
  const b2 = { parent: Int32Array.from([-1, 0, 0]), frame: Int32Array.from([7, 1, 1]), count: 3 };
  for (const impl of [core, ref, fast]) {
    const m = impl.mergeStacks(dup, b2);
    assert.equal(Array.from(m.parent), [-1, -1, 0]);
    assert.equal(Array.from(m.frame), [7, 7, 1]);
    assert.equal(Array.from(m.bToMerged), [0, 2, 2]);
  }
});

test("resample: hand-made case", () => {
  const w = Float64Array.from([0.4, 0.4, 0.4, 0.1, 1.5, 0.1]);
  let acc = 0.4 + 0.4 + 0.4;
  const first = acc;
  acc = acc % 1;
  const second = acc + 0.1 + 1.5;
  for (const impl of [core, ref, fast]) {
    const r = impl.resample(w, 6, 1);
    assert.is(r.count, 2);
    assert.equal(Array.from(r.index), [2, 4]);
    assert.equal(Array.from(r.weight), [first, second]);
    assert.is(impl.resample(w, 0, 1).count, 0);
    // a record longer than two intervals keeps only the remainder (% interval, not - interval)
    const long = impl.resample(Float64Array.from([2.5, 0.25, 0.25]), 3, 1);
    assert.equal(Array.from(long.index), [0, 2]);
    assert.equal(Array.from(long.weight), [2.5, 1]);
  }
});

// ---------------------------------------------------------------------------
// property tests: WASM === reference (and the TS port used by the benchmark)

test("property: trees, WASM vs reference, bit-identical", () => {
  const r = rng(0xc0ffee);
  const iterations = 1500;
  for (let it = 0; it < iterations; it++) {
    const input = randomInput(r);
    for (const kind of ["chronological", "aggregated"] as const) {
      const build = kind === "chronological" ? "buildChronologicalTree" : "buildAggregatedTree";
      const expected = ref[build](input);
      const got = core[build](input);
      const label = `iteration ${it} (${kind}, ${input.stackCount} stacks, ${input.sampleCount} samples)`;
      checkTreeInvariants(got, label);
      const d = diffTrees(got, expected);
      if (d !== null) assert.unreachable(`${label}: wasm vs reference: ${d}`);
      const e = diffTrees(fast[build](input), expected);
      if (e !== null) assert.unreachable(`${label}: core-ts vs reference: ${e}`);
    }
  }
});

test("property: mergeStacks, WASM vs reference", () => {
  const r = rng(42);
  for (let it = 0; it < 1500; it++) {
    const frames = 1 + int(r, 8);
    const a = randomTrie(r, int(r, 150), frames, null);
    const b = randomTrie(r, int(r, 150), frames, r() < 0.7 ? a : null);
    if (r() < 0.2 && a.count > 3) {
      // duplicates inside a
      a.parent[a.count - 1] = a.parent[1];
      a.frame[a.count - 1] = a.frame[1];
    }
    const expected = ref.mergeStacks(a, b);
    const got = core.mergeStacks(a, b);
    const d = diffMerged(got, expected, b.count);
    if (d !== null) assert.unreachable(`iteration ${it}: wasm vs reference: ${d}`);
    const e = diffMerged(fast.mergeStacks(a, b), expected, b.count);
    if (e !== null) assert.unreachable(`iteration ${it}: core-ts vs reference: ${e}`);
    for (let i = 0; i < got.count; i++) {
      if (!(got.parent[i] < i)) assert.unreachable(`iteration ${it}: parent[${i}] = ${got.parent[i]}`);
    }
  }
});

test("property: resample, WASM vs reference", () => {
  const r = rng(7);
  for (let it = 0; it < 1500; it++) {
    const n = int(r, 300);
    const mode = int(r, 3);
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) w[i] = randomWeight(r, mode) * (1 + int(r, 4));
    const interval = [0.001, 0.01, 0.1, 1e-4, 0.0025][int(r, 5)];
    const expected = ref.resample(w, n, interval);
    const d = diffResampled(core.resample(w, n, interval), expected);
    if (d !== null) assert.unreachable(`iteration ${it}: wasm vs reference: ${d}`);
    const e = diffResampled(fast.resample(w, n, interval), expected);
    if (e !== null) assert.unreachable(`iteration ${it}: core-ts vs reference: ${e}`);
  }
});

test("large input: growth paths, reuse of WASM memory across calls", () => {
  const r = rng(99);
  // deep trie, many samples: the chronological tree outgrows its initial capacity, the attribute
  // tables rehash several times
  const stackCount = 3000;
  const stackParent = new Int32Array(stackCount);
  const stackFrame = new Int32Array(stackCount);
  for (let i = 0; i < stackCount; i++) {
    stackParent[i] = i === 0 ? -1 : r() < 0.7 ? i - 1 : int(r, i);
    stackFrame[i] = int(r, 200);
  }
  const frameIdentifier = Int32Array.from({ length: 200 }, (_, f) => f % 150);
  const frameFlags = Uint8Array.from({ length: 200 }, (_, f) => (f % 3 === 0 ? 2 : 0) | (f % 150 === 149 ? 1 : 0));
  const sampleCount = 20000;
  const sampleStack = Int32Array.from({ length: sampleCount }, () => int(r, stackCount));
  const sampleWeight = Float64Array.from({ length: sampleCount }, () => randomWeight(r, 2));
  const input: TreeInput = {
    stackParent,
    stackFrame,
    stackCount,
    frameIdentifier,
    frameFlags,
    selfIdentifier: 150,
    sampleStack,
    sampleWeight,
    sampleCount,
  };
  for (const build of ["buildChronologicalTree", "buildAggregatedTree"] as const) {
    const got = core[build](input);
    assert.ok(got.nodeCount > 2 * stackCount + 64 || build === "buildAggregatedTree");
    const d = diffTrees(got, ref[build](input));
    if (d !== null) assert.unreachable(`${build}: ${d}`);
  }
  const before = coreMemoryBytes();
  for (let i = 0; i < 5; i++) {
    core.buildChronologicalTree(input);
    core.buildAggregatedTree(input);
  }
  assert.is(coreMemoryBytes(), before, "WASM memory must not grow across repeated calls");
});

test.run();

/**
 * Benchmark (not a test): WASM core (src/core) vs the same algorithm in plain TS (bench/core-ts.ts).
 *
 *   node --import tsx bench/core.bench.ts        (add --expose-gc for a GC before every run)
 *   node_modules/.bin/deno run -A --v8-flags=--expose-gc bench/core.bench.ts
 *   node_modules/.bin/bun bench/core.bench.ts
 *
 * Env: REPS (runs per implementation, default 9; the first is reported as cold),
 *      SAMPLES (default 1000000).
 *
 * Workloads (deterministic, seeded):
 *  1. buildAggregatedTree on SAMPLES samples over a realistic stack trie: 2,000 frame infos
 *     (1,800 identifiers), 300 hot paths of depth 20-60 sharing an 8-frame runtime prefix and
 *     branching off each other, Zipf(s=1) path choice with 60 % temporal locality, truncation
 *     by up to 5 frames, 10 % leaf noise of 1-2 Zipf frames; ~10 % of frame infos carry attributes.
 *  2. mergeStacks of two ~200k-node tries of the same program (heavy leaf noise), generated with
 *     different seeds and different node orders; b's frame ids are remapped from a b-local frame
 *     table (not timed).
 * Runs are interleaved A B A B ...; figures: cold = first run, warm = median of the others.
 * WASM timings include all marshalling (copy in, copy out) through the public API.
 */
import * as wasm from "../src/core/index.ts";
import type { StackTrie, TreeInput, TreeOutput } from "../src/core/index.ts";
import { coreMemoryBytes } from "../src/core/wasm.ts";
import * as ts from "./core-ts.ts";
import { rng, zipf } from "./random.ts";

function env(name: string): string | undefined {
  const h = globalThis as {
    process?: { env: Record<string, string | undefined> };
    Deno?: { env: { get(name: string): string | undefined } };
  };
  if (h.Deno) return h.Deno.env.get(name);
  return h.process?.env[name];
}

const REPS = Math.max(2, Number(env("REPS") ?? 9));
const SAMPLES = Number(env("SAMPLES") ?? 1_000_000);

const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
function collect(): void {
  if (g.gc) g.gc();
  else if (g.Bun) g.Bun.gc(true);
}
const gcNote = g.gc || g.Bun ? "GC before each run" : "no GC control (run node with --expose-gc)";

function runtimeName(): string {
  const v = (globalThis as { Deno?: { version: { deno: string } }; Bun?: { version: string } });
  if (v.Deno) return `Deno ${v.Deno.version.deno}`;
  if (v.Bun) return `Bun ${v.Bun.version}`;
  const p = globalThis as { process?: { version: string } };
  return `Node ${p.process?.version ?? "?"}`;
}

// ---------------------------------------------------------------------------
// deterministic workload generation

const FRAMES = 2000;
const IDENTIFIERS = 1800;
const SELF_ID = IDENTIFIERS;

interface Program {
  frameIdentifier: Int32Array;
  frameFlags: Uint8Array;
  paths: Int32Array[];
}

function makeProgram(seed: number): Program {
  const r = rng(seed);
  const frameIdentifier = new Int32Array(FRAMES);
  const frameFlags = new Uint8Array(FRAMES);
  for (let f = 0; f < FRAMES; f++) {
    // frame infos >= IDENTIFIERS are attribute variants of existing identifiers
    frameIdentifier[f] = f < IDENTIFIERS ? f : Math.floor(r() * IDENTIFIERS);
    if (f >= IDENTIFIERS || r() < 0.05) frameFlags[f] |= 2;
  }
  frameFlags[IDENTIFIERS - 1] |= 1; // two synthetic-leaf identifiers ([await]-like)
  frameFlags[IDENTIFIERS - 2] |= 1;
  const pickFrame = zipf(IDENTIFIERS - 2);
  const prefix = Array.from({ length: 8 }, (_, i) => i);
  const paths: Int32Array[] = [];
  for (let p = 0; p < 300; p++) {
    const depth = 20 + Math.floor(r() * 41);
    let path: number[];
    if (p === 0) path = [...prefix];
    else {
      // branch off an earlier path somewhere below the runtime prefix
      const base = paths[Math.floor(r() * p)];
      const cut = 8 + Math.floor(r() * Math.max(1, Math.min(base.length, depth) - 8));
      path = Array.from(base.subarray(0, cut));
    }
    while (path.length < depth) {
      const f = pickFrame(r);
      // sometimes use an attribute variant of the frame
      path.push(r() < 0.05 ? IDENTIFIERS + Math.floor(r() * (FRAMES - IDENTIFIERS)) : f);
    }
    paths.push(Int32Array.from(path.slice(0, depth)));
  }
  return { frameIdentifier, frameFlags, paths };
}

class TrieBuilder {
  parent: number[] = [];
  frame: number[] = [];
  index = new Map<number, number>();

  node(parent: number, frame: number): number {
    const key = (parent + 1) * 4096 + frame;
    let n = this.index.get(key);
    if (n === undefined) {
      n = this.parent.length;
      this.parent.push(parent);
      this.frame.push(frame);
      this.index.set(key, n);
    }
    return n;
  }

  get count(): number {
    return this.parent.length;
  }

  trie(): StackTrie {
    return { parent: Int32Array.from(this.parent), frame: Int32Array.from(this.frame), count: this.count };
  }
}

function makeSamples(program: Program, count: number, seed: number): TreeInput {
  const r = rng(seed);
  const pickPath = zipf(program.paths.length);
  const pickNoise = zipf(IDENTIFIERS);
  const trie = new TrieBuilder();
  const sampleStack = new Int32Array(count);
  const sampleWeight = new Float64Array(count);
  let pathIndex = 0;
  for (let s = 0; s < count; s++) {
    if (s === 0 || r() >= 0.6) pathIndex = pickPath(r);
    const path = program.paths[pathIndex];
    const len = r() < 0.5 ? path.length - Math.floor(r() * 6) : path.length;
    let n = -1;
    for (let d = 0; d < len; d++) n = trie.node(n, path[d]);
    if (r() < 0.1) {
      const extra = 1 + Math.floor(r() * 2);
      for (let e = 0; e < extra; e++) n = trie.node(n, pickNoise(r));
    }
    sampleStack[s] = n;
    sampleWeight[s] = 0.001 + r() * 2e-5;
  }
  const t = trie.trie();
  return {
    stackParent: t.parent,
    stackFrame: t.frame,
    stackCount: t.count,
    frameIdentifier: program.frameIdentifier,
    frameFlags: program.frameFlags,
    selfIdentifier: SELF_ID,
    sampleStack,
    sampleWeight,
    sampleCount: count,
  };
}

/** A ~`target`-node trie of the program with heavy leaf noise, nodes in first-seen order. */
function makeTrie(program: Program, target: number, seed: number): StackTrie {
  const r = rng(seed);
  const pickPath = zipf(program.paths.length);
  const trie = new TrieBuilder();
  while (trie.count < target) {
    const path = program.paths[pickPath(r)];
    const len = path.length - Math.floor(r() * 10);
    let n = -1;
    for (let d = 0; d < len; d++) n = trie.node(n, path[d]);
    const extra = r() < 0.8 ? 1 + Math.floor(r() * 4) : 0;
    for (let e = 0; e < extra; e++) n = trie.node(n, Math.floor(r() * FRAMES));
  }
  return trie.trie();
}

// ---------------------------------------------------------------------------
// measurement

interface Stats {
  cold: number;
  warm: number;
  min: number;
}

function stats(times: number[]): Stats {
  const warm = times.slice(1).sort((a, b) => a - b);
  return { cold: times[0], warm: warm[warm.length >> 1], min: warm[0] };
}

function interleave(a: () => unknown, b: () => unknown, reps: number): [Stats, Stats] {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < reps; i++) {
    for (const [fn, out] of [[a, ta], [b, tb]] as const) {
      collect();
      const t0 = performance.now();
      fn();
      out.push(performance.now() - t0);
    }
  }
  return [stats(ta), stats(tb)];
}

function fmt(s: Stats): string {
  return `${s.warm.toFixed(1).padStart(8)} ms warm median (min ${s.min.toFixed(1)}), ${s.cold.toFixed(1).padStart(7)} ms cold`;
}

function sameTree(x: TreeOutput, y: TreeOutput): boolean {
  if (x.nodeCount !== y.nodeCount || x.attrCount !== y.attrCount) return false;
  for (let i = 0; i < x.nodeCount; i++) {
    if (x.parent[i] !== y.parent[i] || x.identifier[i] !== y.identifier[i] || !Object.is(x.time[i], y.time[i])) return false;
  }
  for (let i = 0; i < x.attrCount; i++) {
    if (x.attrNode[i] !== y.attrNode[i] || x.attrFrame[i] !== y.attrFrame[i] || !Object.is(x.attrTime[i], y.attrTime[i])) return false;
  }
  return true;
}

const started = performance.now();
console.log(`core benchmark on ${runtimeName()}; REPS=${REPS} per implementation, ${gcNote}`);

// 1. aggregated tree
{
  const t0 = performance.now();
  const program = makeProgram(1);
  const input = makeSamples(program, SAMPLES, 2);
  let frames = 0;
  const depth = new Int32Array(input.stackCount);
  for (let i = 0; i < input.stackCount; i++) depth[i] = input.stackParent[i] < 0 ? 1 : depth[input.stackParent[i]] + 1;
  for (let s = 0; s < input.sampleCount; s++) frames += depth[input.sampleStack[s]];
  console.log(
    `\n[1] buildAggregatedTree: ${input.sampleCount} samples, ${frames} frames (mean depth ` +
      `${(frames / input.sampleCount).toFixed(1)}), stack trie ${input.stackCount} nodes ` +
      `(generated in ${(performance.now() - t0).toFixed(0)} ms)`,
  );
  let outW: TreeOutput | null = null;
  let outT: TreeOutput | null = null;
  const [w, t] = interleave(
    () => (outW = wasm.buildAggregatedTree(input)),
    () => (outT = ts.buildAggregatedTree(input)),
    REPS,
  );
  const ok = outW !== null && outT !== null && sameTree(outW, outT);
  const nodes = (outW as TreeOutput | null)?.nodeCount ?? 0;
  console.log(`    output: ${nodes} nodes, identical WASM vs TS: ${ok ? "yes" : "NO"}`);
  console.log(`    WASM  ${fmt(w)}`);
  console.log(`    TS    ${fmt(t)}`);
  console.log(`    ratio WASM/TS: warm ${(w.warm / t.warm).toFixed(2)}, cold ${(w.cold / t.cold).toFixed(2)}`);
  console.log(`    WASM linear memory: ${(coreMemoryBytes() / 2 ** 20).toFixed(0)} MiB`);
}

// 2. mergeStacks
{
  const t0 = performance.now();
  const program = makeProgram(1);
  const a = makeTrie(program, 200_000, 11);
  const bLocal = makeTrie(program, 200_000, 12);
  // b comes with its own frame table, in a different order: remap to merged ids (not timed)
  const perm = new Int32Array(FRAMES);
  for (let f = 0; f < FRAMES; f++) perm[f] = f;
  const r = rng(13);
  for (let f = FRAMES - 1; f > 0; f--) {
    const j = Math.floor(r() * (f + 1));
    [perm[f], perm[j]] = [perm[j], perm[f]];
  }
  const inverse = new Int32Array(FRAMES);
  for (let f = 0; f < FRAMES; f++) inverse[perm[f]] = f;
  const bFramesLocal = bLocal.frame.map((f) => inverse[f]); // what b would carry
  const b: StackTrie = { parent: bLocal.parent, frame: bFramesLocal.map((f) => perm[f]), count: bLocal.count };
  console.log(
    `\n[2] mergeStacks: a ${a.count} nodes + b ${b.count} nodes ` +
      `(generated in ${(performance.now() - t0).toFixed(0)} ms)`,
  );
  let mw: ReturnType<typeof wasm.mergeStacks> | null = null;
  let mt: ReturnType<typeof ts.mergeStacks> | null = null;
  const [w, t] = interleave(
    () => (mw = wasm.mergeStacks(a, b)),
    () => (mt = ts.mergeStacks(a, b)),
    Math.max(REPS, 15),
  );
  const x = mw as ReturnType<typeof wasm.mergeStacks> | null;
  const y = mt as ReturnType<typeof ts.mergeStacks> | null;
  let ok = x !== null && y !== null && x.count === y.count;
  if (ok && x !== null && y !== null) {
    for (let i = 0; i < x.count; i++) if (x.parent[i] !== y.parent[i] || x.frame[i] !== y.frame[i]) ok = false;
    for (let i = 0; i < b.count; i++) if (x.bToMerged[i] !== y.bToMerged[i]) ok = false;
  }
  console.log(`    output: ${x?.count ?? 0} nodes, identical WASM vs TS: ${ok ? "yes" : "NO"}`);
  console.log(`    WASM  ${fmt(w)}`);
  console.log(`    TS    ${fmt(t)}`);
  console.log(`    ratio WASM/TS: warm ${(w.warm / t.warm).toFixed(2)}, cold ${(w.cold / t.cold).toFixed(2)}`);
}

console.log(`\ntotal ${((performance.now() - started) / 1000).toFixed(1)} s`);

// Reads Chrome `.cpuprofile` files: `--cpu-prof` output of Node, Deno and Bun, the `Profiler.stop`
// result of `node:inspector` on each runtime, and Chrome DevTools' saved profiles.
//
// The node tree of a `.cpuprofile` is already a trie of call paths, so each node is mapped to a
// stack id once and every sample is a table lookup: no per-sample strings or arrays.
//
// Rules (see reference/runtimes.md for the runtime facts behind them):
// - Frame info `name\0file\0line`: `file` is the path of `file://` URLs and the URL otherwise;
//   `line` is 1-based. Native frames (empty URL) use `<native>` and line 0. A module's top level
//   (V8: unnamed function at column 0; Bun: `(module)`) is `<module>` at line 1, whatever line the
//   runtime reports (the runtimes disagree: they report the first statement or 0).
// - Every stack starts with the thread frame `main\0<thread>\0<tid>` (the `(root)` node); the thread
//   id comes from Node's/Bun's file name (`CPU.date.time.pid.tid.seq.cpuprofile`), else 0.
// - V8's root-level `(garbage collector)` and `(program)` samples carry no JS stack: they are
//   charged to the previous sample's stack with a `[gc]` / `[native]` leaf (as speedscope does);
//   `(idle)` becomes `[idle]` under the thread frame, and is no "previous stack" for GC.
// - Sample i lasts `timeDeltas[i+1]` (as Chrome DevTools counts), negative deltas count as 0; the
//   last sample lasts until `endTime` (the median interval if there is no `endTime`).
// - Bun (JSC) reports no idle samples: an idle stretch is one sample with a huge delta. In its
//   profiles, a sample lasting more than `idleGapFactor` median intervals keeps one median
//   interval and the rest becomes an `[idle]` sample under the thread frame. (V8 reports idle as
//   `(idle)` samples, so a long delta there is a starved sampler: it stays with its stack.)
// - Bun repeats an async function's frame (`outer>outer`, same line, the second at another column):
//   such a pair is one frame. Recursion keeps the same column, so it is left alone. (Only for JSC:
//   in V8 that pattern is two functions, e.g. nested arrow functions on one line of minified code.)
// - JSC profiles are told apart by what V8 never writes: `(module)` frames or an epoch clock, and
//   none of V8's `(idle)`, `(program)`, `(garbage collector)`.
// - Metadata: `startTime` from Bun's epoch clock, else the `startTime` option, else the time in the
//   runtime's file name, else 0 (V8's clock is monotonic); `duration` = endTime - startTime (or the
//   samples' sum if longer); `cpuTime` = duration minus idle; min/max interval = the median delta;
//   `sysPath` = the deepest directory of the profile's `file://` paths and of the original files
//   they map to (node_modules aside), or the cwd.
// - Source maps (option `sourceMaps`, on by default): a function in a `file://` script with a
//   source map (see source-maps.ts) takes the file, line and, when the map records a rename, the
//   name of its original source. A module's top level keeps the script's own file: in a bundle it
//   is the top level of many modules at once. Frames of generated functions that come from one
//   original function become one frame. Profiles written by this tool's exporter are not mapped
//   again: their positions are final.
// - Profiles written by this tool's exporter carry a `pyinstrument` field: then the tree is taken
//   literally (no GC/idle rules) and the session's metadata and unusual frame infos are restored.
import { basename, dirname, sep } from "node:path";
import { cwd } from "node:process";
import { fileURLToPath } from "node:url";
import { UserError } from "../../util/files.ts";
import { GC_FRAME_IDENTIFIER, IDLE_FRAME_IDENTIFIER, makeIdentifier, NATIVE_FRAME_IDENTIFIER } from "../frame-info.ts";
import { FrameTable } from "../frame-table.ts";
import type { SessionMetadata } from "../session.ts";
import { StackTable } from "../stack-table.ts";
import type { ImportedSession } from "./pyisession.ts";
import { SourceMapResolver } from "./source-maps.ts";

export interface CpuprofileImportOptions {
  /** Epoch seconds to use as the start when the profile's clock is not the epoch (V8's is monotonic). */
  startTime?: number;
  /** Bun (JSC) profiles: a sample longer than this many median intervals is mostly idle. Infinity: off. */
  idleGapFactor?: number;
  /**
   * Map functions in `file://` scripts to their original sources through the scripts' source maps
   * (inline, named by a sourceMappingURL comment, or a sibling `.map`). Default true. A resolver
   * given here is used, and its cache kept, across imports: for profiles of the running process,
   * whose scripts don't change once loaded.
   */
  sourceMaps?: boolean | SourceMapResolver;
}

export const DEFAULT_IDLE_GAP_FACTOR = 10;
/** Top-level field of exported profiles; viewers ignore it. */
export const SESSION_INFO_KEY = "pyinstrument";
export const NATIVE_FILE = "<native>";

/** What the exporter stores so that importing its output gives back the same session. */
export interface CpuprofileSessionInfo {
  version: 1;
  metadata: SessionMetadata;
  /** Frame info of the `(root)` node; null when the session's stacks start below it. */
  rootFrame: string | null;
  /** By node id: frame infos that the node's callFrame alone would not give back. */
  frames: Record<string, string>;
}

export interface CpuprofileCallFrame {
  functionName: string;
  scriptId: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

/** V8's pseudo-functions, which have no URL, and the synthetic frames they become. */
export const SPECIAL_FUNCTIONS: ReadonlyMap<string, string> = new Map([
  ["(idle)", IDLE_FRAME_IDENTIFIER],
  ["(garbage collector)", GC_FRAME_IDENTIFIER],
  ["(program)", NATIVE_FRAME_IDENTIFIER],
]);

type JsonObject = Record<string, unknown>;
interface NodeTable {
  ids: number[];
  callFrames: CpuprofileCallFrame[];
  /** Parent node index, -1 for a root. */
  parent: Int32Array;
  index: NodeIndex;
}

// How a node's samples are attributed; see the rules at the top.
const KIND_FRAME = 0;
const KIND_IDLE = 1;
const KIND_GC = 2;
const KIND_PROGRAM = 3;
const UNRESOLVED = -2;
const RESOLVING = -3;
/** Epoch µs of 2001-09-09; monotonic clocks (µs since boot) stay far below it. */
const EPOCH_MICROSECONDS_FLOOR = 1e15;

/**
 * The frame info for a callFrame (except `(root)`, which the tree position decides). `paths`
 * caches URL -> file path: many nodes share a script, and URL parsing is slow. With `sourceMaps`,
 * functions of scripts that have a source map get their original position (and name).
 */
export function frameInfoOfCallFrame(
  callFrame: CpuprofileCallFrame,
  paths = new Map<string, string>(),
  sourceMaps: SourceMapResolver | null = null,
): string {
  const { functionName, url } = callFrame;
  if (url === "") return SPECIAL_FUNCTIONS.get(functionName) ?? makeIdentifier(functionName || "(anonymous)", NATIVE_FILE, 0);
  const file = filePathOf(url, paths);
  if (functionName === "(module)" || (functionName === "" && callFrame.columnNumber === 0)) {
    return makeIdentifier("<module>", file, 1);
  }
  if (sourceMaps !== null && file !== url) {
    const original = sourceMaps.originalPosition(file, callFrame.lineNumber, callFrame.columnNumber, functionName);
    if (original !== null) return makeIdentifier(original.name ?? (functionName || "(anonymous)"), original.file, original.line);
  }
  return makeIdentifier(functionName || "(anonymous)", file, Math.max(0, callFrame.lineNumber + 1));
}

export function importCpuprofile(json: JsonObject, source: string, options: CpuprofileImportOptions = {}): ImportedSession {
  const table = readNodes(json.nodes, source);
  const samples = json.samples;
  const timeDeltas = json.timeDeltas;
  if (!Array.isArray(samples)) throw shapeError(source, "samples", "a list of node ids");
  if (!Array.isArray(timeDeltas)) throw shapeError(source, "timeDeltas", "a list of numbers");
  if (samples.length !== timeDeltas.length) {
    const lengths = `they have ${samples.length} and ${timeDeltas.length}`;
    throw shapeError(source, "samples and timeDeltas", `of the same length (${lengths})`);
  }
  const startTime = optionalNumber(json, "startTime", source) ?? 0;
  const endTime = optionalNumber(json, "endTime", source);
  const info = readSessionInfo(json[SESSION_INFO_KEY], source);
  const hints = fileNameHints(source);

  const frames = new FrameTable();
  const stacks = new StackTable();
  const threadFrame = makeIdentifier("main", "<thread>", hints.threadId);
  const rootFrame = info ? info.rootFrame : threadFrame;
  const rootStack = rootFrame === null ? -1 : stacks.intern(-1, frames.intern(rootFrame));
  const paths = new Map<string, string>();
  const jsc = !info && looksLikeJsc(table.callFrames, startTime);
  const sourceMaps = info || options.sourceMaps === false ? null : options.sourceMaps instanceof SourceMapResolver ? options.sourceMaps : new SourceMapResolver();
  const tree = resolveStacks(table, frames, stacks, rootStack, info, jsc, paths, sourceMaps, source);

  const pass = readSamples(samples, timeDeltas, table, tree, rootStack, startTime, source);
  const n = samples.length;
  const interval = n > 1 ? median(pass, timeDeltas as number[]) : 1000;
  if (n > 0) setLastWeight(pass, endTime === undefined ? interval : Math.max(0, endTime - pass.lastSampleTime));
  if (pass.deferredCount > 0) attachDeferred(pass, frames, stacks);
  const gapFactor = options.idleGapFactor ?? DEFAULT_IDLE_GAP_FACTOR;
  const splitGaps = jsc && interval > 0 && gapFactor < Infinity;
  let { sampleStack, sampleWeight } = pass;
  if (splitGaps && pass.maxMicros > gapFactor * interval) {
    const idleStack = stacks.intern(rootStack, frames.intern(IDLE_FRAME_IDENTIFIER));
    ({ sampleStack, sampleWeight } = splitIdleGaps(pass, timeDeltas as number[], gapFactor * interval, interval, idleStack));
  }

  const { totalMicros, idleMicros } = pass;
  const durationMicros = endTime !== undefined && endTime - startTime > totalMicros ? endTime - startTime : totalMicros;
  const metadata: SessionMetadata = info?.metadata ?? {
    startTime: startTime >= EPOCH_MICROSECONDS_FLOOR ? startTime / 1e6 : options.startTime ?? hints.startTime ?? 0,
    duration: durationMicros / 1e6,
    minInterval: interval / 1e6,
    maxInterval: interval / 1e6,
    sampleCount: n,
    startCallStack: [threadFrame],
    targetDescription: `Profile from ${basename(source)}`,
    cpuTime: Math.max(0, durationMicros - idleMicros) / 1e6,
    sysPath: [commonDirectory(paths, sourceMaps?.originalFiles) ?? currentDirectory()].filter((path) => path !== ""),
    sysPrefixes: [],
  };
  return { metadata, samples: { frames, stacks, sampleStack, sampleWeight } };
}

// Stack codes of samples whose stack is decided later: GC and `(program)` join the previous stack.
const STACK_GC = -2;
const STACK_PROGRAM = -3;
const HISTOGRAM_SIZE = 65536;
// One histogram serves every import (they run one at a time), and each import clears only the
// buckets the previous one may have used: clearing or allocating all of it would cost more than
// reading a short profile, such as a web request's.
const HISTOGRAM = new Uint32Array(HISTOGRAM_SIZE + 1);
const HISTOGRAM_FRACTIONAL = new Uint8Array(HISTOGRAM_SIZE + 1);
/** Buckets past this one are zero. */
let histogramUsedUpTo = HISTOGRAM_SIZE;

function clearedHistogram(): { histogram: Uint32Array; fractional: Uint8Array } {
  HISTOGRAM.fill(0, 0, histogramUsedUpTo + 1);
  HISTOGRAM_FRACTIONAL.fill(0, 0, histogramUsedUpTo + 1);
  // Until this pass ends, any bucket may be touched (an invalid sample can interrupt it).
  histogramUsedUpTo = HISTOGRAM_SIZE;
  return { histogram: HISTOGRAM, fractional: HISTOGRAM_FRACTIONAL };
}
/**
 * Samples are read in chunks by one small function: a warm function runs fully optimized code
 * from its next call on, where one long loop would wait for on-stack replacement (slow on a busy
 * machine) and box every number until then. Imports run once, so this cold start is what counts.
 */
const CHUNK_SIZE = 4096;

/** The samples read in one pass; the rules that need the whole profile run after it. */
interface SamplePass {
  /** Stack id of each sample, or STACK_GC / STACK_PROGRAM until `attachDeferred`. */
  sampleStack: Int32Array;
  /** Seconds each sample lasts. */
  sampleWeight: Float64Array;
  /** The µs between consecutive samples (the deltas that are durations), counted by whole µs... */
  histogram: Uint32Array;
  /** ...and whether a bucket holds fractional values. */
  fractional: Uint8Array;
  /** The GC and (program) samples, and the stack of the JS sample before each. */
  deferredIndex: Int32Array;
  deferredPrevious: Int32Array;
  deferredCount: number;
  previous: number;
  lastSampleTime: number;
  lastIsIdle: boolean;
  lastMicros: number;
  maxMicros: number;
  totalMicros: number;
  idleMicros: number;
}

interface SampleInput {
  samples: unknown[];
  timeDeltas: unknown[];
  /** Node index by id, when ids are small integers; else `sparse`. */
  dense: Int32Array | null;
  sparse: Map<number, number> | null;
  /** Per node: the stack of its samples (a STACK_ code for GC/program), and whether it is idle. */
  stackCode: Int32Array;
  isIdle: Uint8Array;
  rootStack: number;
  source: string;
}

function readSamples(
  samples: unknown[],
  timeDeltas: unknown[],
  table: NodeTable,
  tree: ResolvedTree,
  rootStack: number,
  startTime: number,
  source: string,
): SamplePass {
  const n = samples.length;
  const input: SampleInput = {
    samples,
    timeDeltas,
    dense: table.index.dense,
    sparse: table.index.sparse,
    stackCode: tree.nodeStack.map((stack, k) =>
      tree.nodeKind[k] === KIND_GC ? STACK_GC : tree.nodeKind[k] === KIND_PROGRAM ? STACK_PROGRAM : stack
    ),
    isIdle: tree.nodeKind.map((kind) => (kind === KIND_IDLE ? 1 : 0)),
    rootStack,
    source,
  };
  const pass: SamplePass = {
    sampleStack: new Int32Array(n),
    sampleWeight: new Float64Array(n),
    ...clearedHistogram(),
    deferredIndex: new Int32Array(64),
    deferredPrevious: new Int32Array(64),
    deferredCount: 0,
    previous: rootStack,
    lastSampleTime: startTime,
    lastIsIdle: false,
    lastMicros: 0,
    maxMicros: 0,
    totalMicros: 0,
    idleMicros: 0,
  };
  for (let from = 0; from < n; from += CHUNK_SIZE) readChunk(input, pass, from, Math.min(n, from + CHUNK_SIZE));
  histogramUsedUpTo = Math.min(HISTOGRAM_SIZE, Math.ceil(pass.maxMicros));
  return pass;
}

function readChunk(input: SampleInput, pass: SamplePass, from: number, to: number): void {
  const { samples, timeDeltas, dense, sparse, stackCode, isIdle, rootStack } = input;
  const { sampleStack, sampleWeight, histogram, fractional } = pass;
  let { previous, lastSampleTime: time, lastIsIdle: previousIdle } = pass;
  let { totalMicros: total, idleMicros: idle, maxMicros: max } = pass;
  for (let i = from; i < to; i++) {
    const id = samples[i];
    const delta = timeDeltas[i];
    let index: number | undefined;
    // Out-of-range or fractional indexes into a typed array give undefined.
    if (typeof id === "number") index = dense !== null ? (dense[id] as number | undefined) : sparse?.get(id);
    if (index === undefined || index < 0) throw unknownNode(input.source, `samples[${i}]`, id);
    if (typeof delta !== "number") throw shapeError(input.source, `timeDeltas[${i}]`, "a number");
    time += delta;
    if (i > 0) {
      // This delta is how long the previous sample lasted.
      const weight = delta > 0 ? delta : 0;
      sampleWeight[i - 1] = weight / 1e6;
      const bucket = weight < HISTOGRAM_SIZE ? weight | 0 : HISTOGRAM_SIZE;
      histogram[bucket]++;
      if (weight !== bucket) fractional[bucket] = 1;
      total += weight;
      if (previousIdle) idle += weight;
      if (weight > max) max = weight;
    }
    const stack = stackCode[index];
    sampleStack[i] = stack;
    previousIdle = isIdle[index] === 1;
    if (stack < -1) deferSample(pass, i, previous);
    else previous = previousIdle ? rootStack : stack;
  }
  pass.previous = previous;
  pass.lastSampleTime = time;
  pass.lastIsIdle = previousIdle;
  pass.totalMicros = total;
  pass.idleMicros = idle;
  pass.maxMicros = max;
}

function deferSample(pass: SamplePass, i: number, previous: number): void {
  if (pass.deferredCount === pass.deferredIndex.length) {
    const index = new Int32Array(pass.deferredCount * 2);
    const stacks = new Int32Array(pass.deferredCount * 2);
    index.set(pass.deferredIndex);
    stacks.set(pass.deferredPrevious);
    pass.deferredIndex = index;
    pass.deferredPrevious = stacks;
  }
  pass.deferredIndex[pass.deferredCount] = i;
  pass.deferredPrevious[pass.deferredCount++] = previous;
}

function setLastWeight(pass: SamplePass, weight: number): void {
  pass.sampleWeight[pass.sampleWeight.length - 1] = weight / 1e6;
  pass.lastMicros = weight;
  pass.totalMicros += weight;
  if (pass.lastIsIdle) pass.idleMicros += weight;
  pass.maxMicros = Math.max(pass.maxMicros, weight);
}

/** GC and (program) samples: below the stack of the JS sample before them. */
function attachDeferred(pass: SamplePass, frames: FrameTable, stacks: StackTable): void {
  const gcFrame = frames.intern(GC_FRAME_IDENTIFIER);
  const nativeFrame = frames.intern(NATIVE_FRAME_IDENTIFIER);
  for (let d = 0; d < pass.deferredCount; d++) {
    const i = pass.deferredIndex[d];
    const frame = pass.sampleStack[i] === STACK_GC ? gcFrame : nativeFrame;
    pass.sampleStack[i] = stacks.intern(pass.deferredPrevious[d], frame);
  }
}

/** Samples longer than `threshold` µs: `interval` µs of their stack, then the rest idle. */
function splitIdleGaps(
  pass: SamplePass,
  timeDeltas: readonly number[],
  threshold: number,
  interval: number,
  idleStack: number,
): { sampleStack: Int32Array; sampleWeight: Float64Array } {
  const n = pass.sampleStack.length;
  // Exact µs again (seconds * 1e6 may not round-trip), as the pass read them.
  const micros = (i: number): number => (i < n - 1 ? Math.max(0, timeDeltas[i + 1]) : pass.lastMicros);
  let splits = 0;
  for (let i = 0; i < n; i++) if (micros(i) > threshold) splits++;
  const sampleStack = new Int32Array(n + splits);
  const sampleWeight = new Float64Array(n + splits);
  for (let i = 0, j = 0; i < n; i++, j++) {
    sampleStack[j] = pass.sampleStack[i];
    sampleWeight[j] = pass.sampleWeight[i];
    const weight = micros(i);
    if (weight > threshold) {
      sampleWeight[j++] = interval / 1e6;
      sampleStack[j] = idleStack;
      sampleWeight[j] = (weight - interval) / 1e6;
      pass.idleMicros += weight - interval;
    }
  }
  return { sampleStack, sampleWeight };
}

// Field names for messages are built only when something is wrong: these loops run cold.

function readNodes(value: unknown, source: string): NodeTable {
  if (!Array.isArray(value) || value.length === 0) throw shapeError(source, "nodes", "a non-empty list of nodes");
  const count = value.length;
  const ids: number[] = new Array(count);
  const callFrames: CpuprofileCallFrame[] = new Array(count);
  for (let k = 0; k < count; k++) {
    const node: unknown = value[k];
    if (!isObject(node)) throw shapeError(source, `nodes[${k}]`, "an object");
    const id = node.id;
    if (typeof id !== "number" || !Number.isInteger(id)) throw shapeError(source, `nodes[${k}].id`, "an integer");
    ids[k] = id;
    callFrames[k] = readCallFrame(node.callFrame, source, k);
  }
  const index = indexNodes(ids, source);
  // Profiles link nodes by `children` (.cpuprofile) or `parent` (trace-event profile chunks).
  const parent = new Int32Array(count).fill(-1);
  for (let k = 0; k < count; k++) {
    const node = value[k] as JsonObject;
    const children = node.children;
    if (children !== undefined) {
      if (!Array.isArray(children)) throw shapeError(source, `nodes[${k}].children`, "a list of node ids");
      for (let c = 0; c < children.length; c++) {
        const child = nodeIndex(index, children[c]);
        if (child === undefined) throw unknownNode(source, `nodes[${k}].children[${c}]`, children[c]);
        if (parent[child] !== -1 && parent[child] !== k) throw twoParents(source, `nodes[${k}].children[${c}]`, ids[child]);
        parent[child] = k;
      }
    }
    if (node.parent !== undefined) {
      const parentIndex = nodeIndex(index, node.parent);
      if (parentIndex === undefined) throw unknownNode(source, `nodes[${k}].parent`, node.parent);
      if (parent[k] !== -1 && parent[k] !== parentIndex) throw twoParents(source, `nodes[${k}].parent`, ids[k]);
      parent[k] = parentIndex;
    }
  }
  return { ids, callFrames, parent, index };
}

/** Node index by id: a table when ids are small integers (as every runtime writes them), else a map. */
interface NodeIndex {
  dense: Int32Array | null;
  sparse: Map<number, number> | null;
}

function indexNodes(ids: readonly number[], source: string): NodeIndex {
  let maxId = 0;
  let minId = 0;
  for (const id of ids) {
    maxId = Math.max(maxId, id);
    minId = Math.min(minId, id);
  }
  const duplicate = (k: number): UserError => shapeError(source, `nodes[${k}].id`, `unique (${ids[k]} appears twice)`);
  if (minId >= 0 && maxId < 8 * ids.length + 65536) {
    const dense = new Int32Array(maxId + 1).fill(-1);
    for (let k = 0; k < ids.length; k++) {
      if (dense[ids[k]] !== -1) throw duplicate(k);
      dense[ids[k]] = k;
    }
    return { dense, sparse: null };
  }
  const sparse = new Map<number, number>();
  for (let k = 0; k < ids.length; k++) {
    if (sparse.has(ids[k])) throw duplicate(k);
    sparse.set(ids[k], k);
  }
  return { dense: null, sparse };
}

/** The index of the node with this id; undefined for anything else (also fractions, strings). */
function nodeIndex({ dense, sparse }: NodeIndex, id: unknown): number | undefined {
  if (typeof id !== "number") return undefined;
  const index = dense !== null ? (dense[id] as number | undefined) : sparse?.get(id);
  return index === undefined || index < 0 ? undefined : index;
}

function readCallFrame(value: unknown, source: string, k: number): CpuprofileCallFrame {
  if (!isObject(value)) throw shapeError(source, `nodes[${k}].callFrame`, "an object");
  const { functionName, url, lineNumber, columnNumber, scriptId } = value;
  if (
    typeof functionName === "string" && typeof url === "string" && typeof lineNumber === "number" &&
    typeof columnNumber === "number" && typeof scriptId === "string"
  ) {
    return value as unknown as CpuprofileCallFrame; // the usual case: nothing to copy
  }
  // Trace-event profiles leave out fields of native frames: absent means empty, wrong types fail.
  const field = (key: string, expected: string): UserError => shapeError(source, `nodes[${k}].callFrame.${key}`, expected);
  if (typeof (functionName ?? "") !== "string") throw field("functionName", "a string");
  if (typeof (url ?? "") !== "string") throw field("url", "a string");
  if (typeof (lineNumber ?? -1) !== "number") throw field("lineNumber", "a number");
  if (typeof (columnNumber ?? -1) !== "number") throw field("columnNumber", "a number");
  return {
    functionName: (functionName as string | undefined) ?? "",
    scriptId: String(scriptId ?? "0"),
    url: (url as string | undefined) ?? "",
    lineNumber: (lineNumber as number | undefined) ?? -1,
    columnNumber: (columnNumber as number | undefined) ?? -1,
  };
}

function unknownNode(source: string, field: string, id: unknown): UserError {
  return shapeError(source, field, `the id of a node (${JSON.stringify(id)} is not the id of any node)`);
}

function twoParents(source: string, field: string, id: number): UserError {
  return shapeError(source, field, `a tree link (node ${id} would have two parents)`);
}

interface ResolvedTree {
  /** Stack id of each node (for root-level GC/program nodes: the literal stack, used by children). */
  nodeStack: Int32Array;
  nodeKind: Uint8Array;
}

/** Maps every node to a stack id, parents first whatever the order of `nodes`. */
function resolveStacks(
  table: NodeTable,
  frames: FrameTable,
  stacks: StackTable,
  rootStack: number,
  info: CpuprofileSessionInfo | null,
  jsc: boolean,
  paths: Map<string, string>,
  sourceMaps: SourceMapResolver | null,
  source: string,
): ResolvedTree {
  const { ids, callFrames, parent } = table;
  const count = ids.length;
  const nodeStack = new Int32Array(count).fill(UNRESOLVED);
  const nodeKind = new Uint8Array(count);
  const isRootNode = new Uint8Array(count);
  // A node that is the second of one of Bun's doubled async frames (never collapse twice in a row).
  const collapsed = new Uint8Array(count);
  const chain: number[] = [];

  const resolve = (k: number): void => {
    const callFrame = callFrames[k];
    const p = parent[k];
    if (p === -1 && callFrame.url === "" && callFrame.functionName === "(root)") {
      isRootNode[k] = 1;
      nodeStack[k] = rootStack;
      return;
    }
    const parentStack = p === -1 ? rootStack : nodeStack[p];
    if (jsc && p !== -1 && !collapsed[p] && isDoubledFrame(callFrames[p], callFrame)) {
      collapsed[k] = 1;
      nodeStack[k] = parentStack;
      return;
    }
    const frameInfo = info?.frames[String(ids[k])] ?? frameInfoOfCallFrame(callFrame, paths, sourceMaps);
    nodeStack[k] = stacks.intern(parentStack, frames.intern(frameInfo));
    if (!info && callFrame.url === "" && (p === -1 || isRootNode[p])) {
      const name = callFrame.functionName;
      nodeKind[k] = name === "(idle)"
        ? KIND_IDLE
        : name === "(garbage collector)"
        ? KIND_GC
        : name === "(program)"
        ? KIND_PROGRAM
        : KIND_FRAME;
    }
  };

  for (let k = 0; k < count; k++) {
    // Walk up to the first resolved ancestor, then resolve back down.
    for (let j = k; j !== -1 && nodeStack[j] === UNRESOLVED; j = parent[j]) {
      nodeStack[j] = RESOLVING;
      chain.push(j);
    }
    const top = chain.length > 0 ? parent[chain[chain.length - 1]] : -1;
    if (top !== -1 && nodeStack[top] === RESOLVING) {
      throw shapeError(source, "nodes", `a tree (node ${ids[top]} is its own ancestor)`);
    }
    while (chain.length > 0) resolve(chain.pop() as number);
  }
  return { nodeStack, nodeKind };
}

function looksLikeJsc(callFrames: readonly CpuprofileCallFrame[], startTime: number): boolean {
  let module = false;
  for (const { functionName, url } of callFrames) {
    if (url === "" && SPECIAL_FUNCTIONS.has(functionName)) return false;
    if (functionName === "(module)") module = true;
  }
  return module || startTime >= EPOCH_MICROSECONDS_FLOOR;
}

/** Bun's async frames come twice: same function and line, the second at the body's column. */
function isDoubledFrame(parent: CpuprofileCallFrame, child: CpuprofileCallFrame): boolean {
  return parent.functionName === child.functionName && parent.url === child.url && child.url !== "" &&
    parent.lineNumber === child.lineNumber && parent.columnNumber !== child.columnNumber;
}

function readSessionInfo(value: unknown, source: string): CpuprofileSessionInfo | null {
  if (value === undefined) return null;
  const field = SESSION_INFO_KEY;
  if (!isObject(value) || value.version !== 1) throw shapeError(source, field, "an object with version 1");
  const { metadata, rootFrame, frames } = value;
  if (!isObject(metadata)) throw shapeError(source, `${field}.metadata`, "an object");
  for (const key of ["startTime", "duration", "minInterval", "maxInterval", "sampleCount", "cpuTime"]) {
    if (typeof metadata[key] !== "number") throw shapeError(source, `${field}.metadata.${key}`, "a number");
  }
  if (typeof metadata.targetDescription !== "string") {
    throw shapeError(source, `${field}.metadata.targetDescription`, "a string");
  }
  for (const key of ["startCallStack", "sysPath", "sysPrefixes"]) {
    const list = metadata[key];
    if (!Array.isArray(list) || list.some((item) => typeof item !== "string")) {
      throw shapeError(source, `${field}.metadata.${key}`, "a list of strings");
    }
  }
  if (rootFrame !== null && typeof rootFrame !== "string") throw shapeError(source, `${field}.rootFrame`, "a string or null");
  if (!isObject(frames) || Object.values(frames).some((item) => typeof item !== "string")) {
    throw shapeError(source, `${field}.frames`, "an object of strings");
  }
  return { version: 1, metadata: metadata as unknown as SessionMetadata, rootFrame, frames: frames as Record<string, string> };
}

/**
 * The middle value (the upper one for an even count) of the durations between samples
 * (`timeDeltas[1..]`, negatives as 0), which the pass counted by whole µs. V8's deltas are whole
 * µs, so the histogram alone usually answers; otherwise one more pass collects the values of the
 * middle bucket. (A sort would cost more than the whole import.)
 */
function median({ histogram, fractional }: SamplePass, timeDeltas: readonly number[]): number {
  const k = (timeDeltas.length - 1) >> 1;
  let below = 0;
  let bucket = 0;
  while (bucket < HISTOGRAM_SIZE && below + histogram[bucket] <= k) below += histogram[bucket++];
  if (!fractional[bucket]) return bucket;
  const inBucket: number[] = [];
  for (let i = 1; i < timeDeltas.length; i++) {
    const value = Math.max(0, timeDeltas[i]);
    if (bucket === HISTOGRAM_SIZE ? value >= HISTOGRAM_SIZE : value >= bucket && value < bucket + 1) inBucket.push(value);
  }
  return inBucket.sort((a, b) => a - b)[k - below];
}

/**
 * What the runtimes' own file names tell: Node and Bun write `CPU.YYYYMMDD.HHMMSS.pid.tid.seq`
 * (local time when profiling started), Deno `CPU.epochms.pid` (ditto, epoch ms).
 */
function fileNameHints(source: string): { startTime?: number; threadId: number } {
  const name = basename(source);
  const node = /^CPU\.(\d{4})(\d\d)(\d\d)\.(\d\d)(\d\d)(\d\d)\.\d+\.(\d+)\.\d+\.cpuprofile$/.exec(name);
  if (node) {
    const [year, month, day, hour, minute, second, tid] = node.slice(1).map(Number);
    return { startTime: new Date(year, month - 1, day, hour, minute, second).getTime() / 1000, threadId: tid };
  }
  const deno = /^CPU\.(\d{13})\.\d+\.cpuprofile$/.exec(name);
  return deno ? { startTime: Number(deno[1]) / 1000, threadId: 0 } : { threadId: 0 };
}

/**
 * The deepest directory holding all the profile's own source files (`node_modules` excluded):
 * the scripts' paths (by URL) and the original files that source maps led to.
 */
function commonDirectory(paths: Map<string, string>, originalFiles: ReadonlySet<string> = new Set()): string | null {
  let common: string | null = null;
  const add = (path: string): void => {
    if (common === null) common = dirname(path);
    while (!path.startsWith(common.endsWith(sep) ? common : common + sep)) {
      const up = dirname(common);
      if (up === common) break;
      common = up;
    }
  };
  for (const [url, path] of paths) {
    if (url.startsWith("file:") && path !== url && !url.includes("/node_modules/")) add(path);
  }
  for (const path of originalFiles) if (!path.includes(`${sep}node_modules${sep}`)) add(path);
  return common;
}

function currentDirectory(): string {
  try {
    return cwd();
  } catch {
    return ""; // Deno without read permission
  }
}

/** URL -> path across imports: the same scripts come back in every profile of a process. */
const knownFilePaths = new Map<string, string>();
const KNOWN_FILE_PATHS_LIMIT = 10_000;

/** The path of a `file:` URL, any other URL as it is. */
function filePathOf(url: string, paths: Map<string, string>): string {
  let path = paths.get(url);
  if (path === undefined) {
    path = knownFilePaths.get(url);
    if (path === undefined) {
      path = url.startsWith("file:") ? pathOfFileUrl(url) : url;
      if (knownFilePaths.size >= KNOWN_FILE_PATHS_LIMIT) knownFilePaths.clear();
      knownFilePaths.set(url, path);
    }
    paths.set(url, path);
  }
  return path;
}

function pathOfFileUrl(url: string): string {
  try {
    return fileURLToPath(url);
  } catch {
    return url; // e.g. a `file://host/...` URL on a system without UNC paths
  }
}

function optionalNumber(json: JsonObject, key: string, source: string): number | undefined {
  const value = json[key];
  if (value === undefined) return undefined;
  if (typeof value !== "number") throw shapeError(source, key, "a number");
  return value;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shapeError(source: string, field: string, expected: string): UserError {
  return new UserError(`${source} is not a valid .cpuprofile: ${field} should be ${expected}`);
}

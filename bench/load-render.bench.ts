/**
 * Benchmark (not a test): loading and text-rendering big saved profiles, against a bare `JSON.parse`
 * of the same file, plus the memory a loaded Session keeps per sample.
 *
 *   node --expose-gc --max-old-space-size=8192 --import tsx bench/load-render.bench.ts [--quick]
 *   node_modules/.bin/deno run -A --v8-flags=--expose-gc,--max-old-space-size=8192 bench/load-render.bench.ts [--quick]
 *   node_modules/.bin/bun bench/load-render.bench.ts [--quick]
 *
 * Workloads (generated deterministically by bench/gen-sessions.ts into bench/data/ when missing):
 *  - pyisession:      pyinstrument 5.1.2 `.pyisession`, BENCH_SAMPLES_PYI samples (default 100,000: ~195 MB,
 *                     ~26 frames per stack, ~3,000 functions). BENCH_PYI_DEPTH=min-max changes the depth
 *                     range of the hot paths (default 18-35; 40-70 gives ~54 frames and ~480 MB).
 *  - cpuprofile-node: Chrome `.cpuprofile` laid out as Node's --cpu-prof writes it (compact JSON, ~10 MB).
 *  - cpuprofile-deno: the same profile laid out as Deno's --cpu-prof writes it (indented by 2, ~24 MB).
 *                     Both BENCH_SAMPLES_CPU samples (default 1,000,000), ~5,800 nodes.
 *  BENCH_FORMATS=pyisession,cpuprofile-node picks workloads; --quick divides the sample counts by 10.
 *
 * Per workload:
 *  0. probes: one load + render of a 1/100- and a 1/10-size file. The full-size render is estimated as
 *     the 1/10 probe's render CPU time x the growth between the probes (at least 10x). Over
 *     BENCH_MAX_RENDER_S (default 15) the full-size runs skip the render, and B is reported as
 *     load + estimate, likely a lower bound (BENCH_FORCE_RENDER=1 runs it anyway).
 *  1. memory, once: heap + array buffers after a forced GC, before and after Session.load with the
 *     session kept alive and the JSON text and tree already garbage; then a retained JSON.parse result
 *     for scale; and the session's own typed-array bytes (distinct ArrayBuffers reachable from it).
 *  2. timed runs, a forced GC before each, interleaved A B [C] A B [C] ...:
 *     A baseline: readFileSync(utf8) + JSON.parse.
 *     B full:     Session.load(path) + new ConsoleRenderer({ unicode: true }).render(session).
 *     C phases (first BENCH_PHASE_REPS=2 reps): readFileSync, importProfileText(text, path), new Session,
 *                 renderer.preprocess(session) (tree + processors), renderer.render(session), and as a
 *                 diagnostic the render without removeImportlib (see below); a forced GC before each
 *                 of the last three, so they start on a clean heap.
 *     BENCH_REPS (default 5, 4 for files over 100 MB); after 3 reps a workload stops once it has run
 *     BENCH_BUDGET_S (default 75) seconds.
 * Diagnostic: processSession builds the tree in the WASM core only when the processor list starts with
 * mergeConsecutiveSelfTime + aggregateRepeatedCalls after removals that find nothing; removeImportlib
 * finds `<frozen importlib._bootstrap>` / `node:internal/modules/` frames in these files (as in most real
 * ones), so the default render materialises the chronological tree. "render without removeImportlib"
 * times the core path on the same session (a slightly different report).
 * Ratio = B / A from the same process: median/median, min/min and the median of per-rep ratios, in
 * wall-clock time and in process CPU time (steadier when the machine is busy). The goal is judged on
 * the wall-clock median ratio. Last line of stdout: the results as JSON.
 */
import { readFileSync, statSync } from "node:fs";
import process from "node:process";
import { removeImportlib } from "../src/processors/processors.ts";
import { ConsoleRenderer } from "../src/renderers/console.ts";
import { importCpuprofile } from "../src/session/import/cpuprofile.ts";
import { importProfileText, type ImportedSession } from "../src/session/import/index.ts";
import { coreMemoryBytes } from "../src/core/wasm.ts";
import { Session } from "../src/session/session.ts";
import { DEFAULT_PYI_DEPTH, ensureProfile, type ProfileKind, type ProfileSpec } from "./gen-sessions.ts";

// ---------------------------------------------------------------------------
// runtime plumbing

const g = globalThis as {
  gc?: () => void;
  Bun?: { gc(force: boolean): void; version: string };
  Deno?: { version: { deno: string; v8: string } };
};
const runtime = g.Deno ? `Deno ${g.Deno.version.deno}` : g.Bun ? `Bun ${g.Bun.version}` : `Node ${process.version}`;
const canGC = g.gc !== undefined || g.Bun !== undefined;

function collect(): void {
  for (let i = 0; i < 2; i++) {
    if (g.gc) g.gc();
    else if (g.Bun) g.Bun.gc(true);
  }
}

interface Heap {
  /** Everything measured: JS heap plus array-buffer backing stores. */
  total: number;
  buffers: number;
}

/**
 * Node: heapUsed + arrayBuffers. Deno: heapUsed + external (its arrayBuffers field is 0; external holds
 * the backing stores). Bun: heapUsed already includes external memory such as array buffers.
 */
function heap(): Heap {
  collect();
  const m = process.memoryUsage();
  if (g.Bun) return { total: m.heapUsed, buffers: m.external };
  const buffers = g.Deno ? m.external : m.arrayBuffers;
  return { total: m.heapUsed + buffers, buffers };
}

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const env = (name: string): string | undefined => process.env[name];
const scale = quick ? 10 : 1;
const pyiSamples = Math.round(Number(env("BENCH_SAMPLES_PYI") ?? 100_000) / scale);
const cpuSamples = Math.round(Number(env("BENCH_SAMPLES_CPU") ?? 1_000_000) / scale);
const depthEnv = env("BENCH_PYI_DEPTH");
const pyiDepth = depthEnv ? (depthEnv.split("-").map(Number) as [number, number]) : DEFAULT_PYI_DEPTH;
const formats = (env("BENCH_FORMATS") ?? "pyisession,cpuprofile-node,cpuprofile-deno").split(",") as ProfileKind[];
const repsOverride = env("BENCH_REPS");
/** A workload stops adding reps (after the 3rd) once it has run this long. */
const budgetSeconds = Number(env("BENCH_BUDGET_S") ?? 75);
/** A render estimated (from 1/100- and 1/10-size probes) to take longer than this is not run at full size. */
const maxRenderSeconds = Number(env("BENCH_MAX_RENDER_S") ?? 15);
const forceRender = env("BENCH_FORCE_RENDER") === "1";
/** Reps that also run C (the phase split): it costs as much as B. */
const phaseReps = Number(env("BENCH_PHASE_REPS") ?? 2);
const GOALS: Record<ProfileKind, number> = { "pyisession": 4, "cpuprofile-node": 3, "cpuprofile-deno": 3 };

const log = (message: string): void => console.error(`# ${message}`);

// ---------------------------------------------------------------------------
// code under test (and a stand-in while Session.load cannot read .cpuprofile files)

/** Whether Session.load / importProfileText read .cpuprofile files in this checkout. */
let cpuprofileViaSession = true;

function loadSession(path: string): Session {
  if (!cpuprofileViaSession && path.endsWith(".cpuprofile")) {
    const imported = importCpuprofile(JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>, path);
    return new Session(imported.metadata, imported.samples);
  }
  return Session.load(path);
}

function importText(text: string, path: string): ImportedSession {
  if (!cpuprofileViaSession && path.endsWith(".cpuprofile")) {
    return importCpuprofile(JSON.parse(text) as Record<string, unknown>, path);
  }
  return importProfileText(text, path);
}

function checkCpuprofileSupport(path: string): void {
  try {
    Session.load(path);
  } catch (error) {
    cpuprofileViaSession = false;
    log(`Session.load can't read .cpuprofile here (${(error as Error).message}); timing ` +
      `readFileSync + JSON.parse + importCpuprofile + new Session instead (what it would do)`);
  }
}

// ---------------------------------------------------------------------------
// measurements: every span in wall-clock ms and process CPU ms (CPU time counts all threads, so
// V8's parallel GC too; it is the steadier figure on a busy machine, where wall time includes waiting)

const now = (): number => performance.now();
let sink = 0;

interface Tick { wall: number; cpu: number }
interface Span { wall: number; cpu: number }
function tick(): Tick {
  const { user, system } = process.cpuUsage();
  return { wall: performance.now(), cpu: (user + system) / 1000 };
}
const span = (a: Tick, b: Tick): Span => ({ wall: b.wall - a.wall, cpu: b.cpu - a.cpu });

interface Baseline { read: Span; parse: Span; total: Span }
interface Full { load: Span; render: Span; total: Span; lines: number }
interface Phases { read: Span; importText: Span; session: Span; preprocess: Span; render: Span; renderFast: Span }

function runBaseline(path: string): Baseline {
  collect();
  const t0 = tick();
  const text = readFileSync(path, "utf8");
  const t1 = tick();
  const json = JSON.parse(text) as Record<string, unknown>;
  const t2 = tick();
  sink += Object.keys(json).length;
  return { read: span(t0, t1), parse: span(t1, t2), total: span(t0, t2) };
}

function runFull(path: string, render = true): Full {
  collect();
  const t0 = tick();
  const session = loadSession(path);
  const t1 = tick();
  const output = render ? new ConsoleRenderer({ unicode: true }).render(session) : "";
  const t2 = tick();
  sink += output.length + session.recordCount;
  return { load: span(t0, t1), render: span(t1, t2), total: span(t0, t2), lines: render ? output.split("\n").length : 0 };
}

/**
 * The phases one by one, with a forced GC (untimed) between them: each phase is timed on a clean heap
 * and pays only for its own garbage. (In B, a phase also pays for collecting the previous one's.)
 */
function runPhases(path: string, render = true): Phases {
  collect();
  const t0 = tick();
  let text: string | null = readFileSync(path, "utf8");
  const t1 = tick();
  const imported = importText(text, path);
  const t2 = tick();
  text = null;
  const session = new Session(imported.metadata, imported.samples);
  const t3 = tick();
  collect();
  const renderer = new ConsoleRenderer({ unicode: true });
  const t4 = tick();
  let frame = render ? renderer.preprocess(session) : null;
  const t5 = tick();
  sink += frame ? 1 : 0;
  frame = null;
  collect();
  const t6 = tick();
  const output = render ? renderer.render(session) : "";
  const t7 = tick();
  sink += output.length;
  collect();
  // Diagnostic: the same render without removeImportlib, which lets processSession build the tree in
  // the core (aggregated) instead of materialising the chronological tree. Not the same report.
  const fast = new ConsoleRenderer({ unicode: true });
  fast.processors = fast.processors.filter((processor) => processor !== removeImportlib);
  const t8 = tick();
  sink += fast.render(session).length;
  const t9 = tick();
  return {
    read: span(t0, t1),
    importText: span(t1, t2),
    session: span(t2, t3),
    preprocess: span(t4, t5),
    render: span(t6, t7),
    renderFast: span(t8, t9),
  };
}

/** Distinct ArrayBuffers reachable from `root` (typed arrays of the session's tables). */
function typedArrayBytes(root: unknown): number {
  const seen = new Set<object>();
  const buffers = new Set<ArrayBufferLike>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value !== "object" || value === null || seen.has(value)) continue;
    seen.add(value);
    if (ArrayBuffer.isView(value)) buffers.add(value.buffer);
    else if (value instanceof ArrayBuffer) buffers.add(value);
    else if (value instanceof Map) for (const [k, v] of value) stack.push(k, v);
    else if (value instanceof Set) for (const v of value) stack.push(v);
    else if (Array.isArray(value)) {
      // Arrays of strings (frame infos) hold no typed arrays.
      if (value.length === 0 || typeof value[0] !== "string") for (const v of value) stack.push(v);
    } else for (const key of Object.keys(value)) stack.push((value as Record<string, unknown>)[key]);
  }
  let bytes = 0;
  for (const buffer of buffers) bytes += buffer.byteLength;
  return bytes;
}

interface Memory {
  sessionBytes: number;
  sessionBufferBytes: number;
  parsedJsonBytes: number;
  typedArrayBytes: number;
  recordCount: number;
  frames: number;
  stacks: number;
}

function measureMemory(path: string): Memory {
  const before = heap();
  let session: Session | null = loadSession(path);
  const loaded = heap();
  let json: unknown = JSON.parse(readFileSync(path, "utf8"));
  const withJson = heap();
  sink += typeof json === "object" ? 1 : 0;
  json = null;
  const memory: Memory = {
    sessionBytes: loaded.total - before.total,
    sessionBufferBytes: loaded.buffers - before.buffers,
    parsedJsonBytes: withJson.total - loaded.total,
    typedArrayBytes: typedArrayBytes(session),
    recordCount: session.recordCount,
    frames: session.samples.frames.count,
    stacks: session.samples.stacks.count,
  };
  session = null;
  return memory;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median (and min) of wall-clock and CPU ms. */
interface Stat { wall: number; cpu: number; wallMin: number; cpuMin: number }
function stat(spans: Span[]): Stat {
  const round = (x: number): number => Number(x.toFixed(1));
  const wall = spans.map((x) => x.wall);
  const cpu = spans.map((x) => x.cpu);
  return { wall: round(median(wall)), cpu: round(median(cpu)), wallMin: round(Math.min(...wall)), cpuMin: round(Math.min(...cpu)) };
}
const minus = (a: Span, b: Span): Span => ({ wall: a.wall - b.wall, cpu: a.cpu - b.cpu });
const plus = (a: Span, ms: number): Span => ({ wall: a.wall + ms, cpu: a.cpu + ms });

interface Result {
  format: ProfileKind;
  file: string;
  megabytes: number;
  samples: number;
  reps: number;
  phaseReps: number;
  viaSessionLoad: boolean;
  frames: number;
  stacks: number;
  /** Lines of the text report (from the first full run). */
  outputLines: number;
  /** One full run (load + render) at 1/10 of the samples, before the timed runs (wall ms). */
  probe: { samples: number; loadMs: number; renderMs: number; renderCpuMs: number; smallRenderCpuMs: number };
  /** True when the full-size render was not run (estimated over BENCH_MAX_RENDER_S). */
  renderSkipped: boolean;
  /** CPU ms: probe render x max(10, growth between the 1/100 and 1/10 probes). */
  estimatedRenderMs: number;
  /** A: readFileSync + JSON.parse. */
  baseline: Stat;
  /** B: Session.load + render (+ estimatedRenderMs when renderSkipped). */
  full: Stat & { firstWall: number };
  /** B/A: of the medians, of the mins, the median of per-rep ratios; wall and CPU time. Lower bounds when renderSkipped. */
  ratio: { wall: number; wallMins: number; wallPairs: number; wallVsParse: number; cpu: number; cpuPairs: number; lowerBound: boolean };
  goal: number;
  /** Judged on the wall-clock median ratio. */
  goalMet: boolean;
  phases: Record<string, Stat | null>;
  bytesPerSample: { session: number; sessionArrayBuffers: number; sessionTypedArrays: number; parsedJson: number };
}

function bench(spec: ProfileSpec): Result {
  const path = ensureProfile(spec, log);
  const megabytes = statSync(path).size / 1e6;
  const targetReps = repsOverride ? Number(repsOverride) : megabytes > 100 ? 4 : 5;

  // Probes: one load + render at 1/100 and at 1/10 of the samples. The full-size render is estimated
  // from the 1/10 probe's CPU time times the growth per 10x samples between the probes (at least 10x).
  const probeAt = (divisor: number): { spec: ProfileSpec; run: Full } => {
    const probeSpec: ProfileSpec = { ...spec, samples: Math.max(100, Math.round(spec.samples / divisor)) };
    return { spec: probeSpec, run: runFull(ensureProfile(probeSpec, log)) };
  };
  const small = probeAt(100);
  const probe = probeAt(10);
  const growth = Math.max(10, probe.run.render.cpu / Math.max(1, small.run.render.cpu));
  const estimatedRender = probe.run.render.cpu * growth;
  const render = forceRender || estimatedRender <= maxRenderSeconds * 1000;
  log(`${spec.kind}: ${path} (${megabytes.toFixed(1)} MB); probes: render ${small.run.render.cpu.toFixed(0)} ms CPU at ` +
    `${small.spec.samples} samples, ${probe.run.render.cpu.toFixed(0)} ms at ${probe.spec.samples} -> full-size render ~${(estimatedRender / 1000).toFixed(1)} s CPU` +
    (render ? "" : ` > BENCH_MAX_RENDER_S=${maxRenderSeconds}: render NOT run at full size (BENCH_FORCE_RENDER=1 forces it)`));
  const probeSpec = probe.spec;
  const probeRun = probe.run;

  const memory = measureMemory(path);
  const baseline: Baseline[] = [];
  const full: Full[] = [];
  const phases: Phases[] = [];
  const started = now();
  for (let rep = 0; rep < targetReps; rep++) {
    if (rep >= 3 && now() - started > budgetSeconds * 1000) {
      log(`  stopping after ${rep} reps: over BENCH_BUDGET_S=${budgetSeconds}`);
      break;
    }
    baseline.push(runBaseline(path));
    full.push(runFull(path, render));
    const [a, b] = [baseline[rep].total, full[rep].total];
    let line = `  rep ${rep + 1}: baseline ${a.wall.toFixed(0)} ms (cpu ${a.cpu.toFixed(0)}), full ${b.wall.toFixed(0)} ms (cpu ${b.cpu.toFixed(0)})` +
      ` = ${(b.wall / a.wall).toFixed(2)}x${render ? "" : " [load only]"}`;
    if (rep < phaseReps) {
      const c = runPhases(path, render);
      phases.push(c);
      line += `; phases: importProfileText ${c.importText.wall.toFixed(0)}, preprocess ${c.preprocess.wall.toFixed(0)}, ` +
        `render ${c.render.wall.toFixed(0)}, render without removeImportlib ${c.renderFast.wall.toFixed(0)} ms`;
    }
    log(line);
  }
  const a = baseline.map((x) => x.total);
  const b = full.map((x) => (render ? x.total : plus(x.total, estimatedRender)));
  const A = stat(a);
  const B = stat(b);
  const round = (x: number, digits = 1): number => Number(x.toFixed(digits));
  const ifRendered = (x: Stat): Stat | null => (render ? x : null);
  const n = memory.recordCount;
  return {
    format: spec.kind,
    file: path,
    megabytes: round(megabytes),
    samples: spec.samples,
    reps: baseline.length,
    phaseReps: phases.length,
    viaSessionLoad: cpuprofileViaSession || spec.kind === "pyisession",
    frames: memory.frames,
    stacks: memory.stacks,
    outputLines: full[0].lines,
    probe: {
      samples: probeSpec.samples,
      loadMs: round(probeRun.load.wall),
      renderMs: round(probeRun.render.wall),
      renderCpuMs: round(probeRun.render.cpu),
      smallRenderCpuMs: round(small.run.render.cpu),
    },
    renderSkipped: !render,
    estimatedRenderMs: round(estimatedRender),
    baseline: A,
    full: { ...B, firstWall: round(b[0].wall) },
    ratio: {
      wall: round(B.wall / A.wall, 2),
      wallMins: round(B.wallMin / A.wallMin, 2),
      wallPairs: round(median(b.map((x, i) => x.wall / a[i].wall)), 2),
      wallVsParse: round(B.wall / median(baseline.map((x) => x.parse.wall)), 2),
      cpu: round(B.cpu / A.cpu, 2),
      cpuPairs: round(median(b.map((x, i) => x.cpu / a[i].cpu)), 2),
      lowerBound: !render,
    },
    goal: GOALS[spec.kind],
    goalMet: B.wall / A.wall <= GOALS[spec.kind],
    phases: {
      read: stat(baseline.map((x) => x.read)),
      parse: stat(baseline.map((x) => x.parse)),
      importProfileText: stat(phases.map((x) => x.importText)),
      // Differences within one rep (C and the A just before it), then the median.
      importOnly: stat(phases.map((x, i) => minus(x.importText, baseline[i].parse))),
      newSession: stat(phases.map((x) => x.session)),
      preprocess: ifRendered(stat(phases.map((x) => x.preprocess))),
      render: ifRendered(stat(phases.map((x) => x.render))),
      renderWithoutRemoveImportlib: stat(phases.map((x) => x.renderFast)),
      fullLoad: stat(full.map((x) => x.load)),
      fullRender: ifRendered(stat(full.map((x) => x.render))),
    },
    bytesPerSample: {
      session: round(memory.sessionBytes / n),
      sessionArrayBuffers: round(memory.sessionBufferBytes / n),
      sessionTypedArrays: round(memory.typedArrayBytes / n),
      parsedJson: round(memory.parsedJsonBytes / n),
    },
  };
}

// ---------------------------------------------------------------------------
// report

function table(results: Result[]): string {
  const rows: string[][] = [];
  const add = (label: string, cell: (r: Result) => string): void => {
    rows.push([label, ...results.map(cell)]);
  };
  const star = (r: Result): string => (r.renderSkipped ? " *" : "");
  const ms = (x: number): string => `${x.toFixed(0)} ms`;
  /** `wall (cpu)`, medians. */
  const t = (x: Stat | null): string => (x === null ? "not run" : `${ms(x.wall)} (${x.cpu.toFixed(0)})`);
  const tMin = (x: Stat): string => `${ms(x.wallMin)} (${x.cpuMin.toFixed(0)})`;
  const ratio = (x: number, r: Result): string => `${r.ratio.lowerBound ? ">= " : ""}${x.toFixed(2)}x`;
  add("workload", (r) => r.format);
  add("file", (r) => `${r.megabytes.toFixed(1)} MB, ${r.samples.toLocaleString("en-US")} samples`);
  add("distinct frame infos / stack nodes", (r) => `${r.frames.toLocaleString("en-US")} / ${r.stacks.toLocaleString("en-US")}`);
  add("reps A B (of which with C)", (r) => `${r.reps} (${r.phaseReps})`);
  add("probe at 1/10 size: load / render", (r) => `${ms(r.probe.loadMs)} / ${ms(r.probe.renderMs)}`);
  add("full-size render estimate (CPU)", (r) => `${(r.estimatedRenderMs / 1000).toFixed(1)} s${r.renderSkipped ? ": skipped" : ""}`);
  add("A read+JSON.parse  median wall (cpu)", (r) => t(r.baseline));
  add("                   min", (r) => tMin(r.baseline));
  add("B load+render      median", (r) => t(r.full) + star(r));
  add("                   min", (r) => tMin(r.full) + star(r));
  add("                   first (cold) wall", (r) => ms(r.full.firstWall) + star(r));
  add("ratio B/A wall: median/median", (r) => ratio(r.ratio.wall, r));
  add("                min/min", (r) => ratio(r.ratio.wallMins, r));
  add("                median of B_i/A_i", (r) => ratio(r.ratio.wallPairs, r));
  add("                B / JSON.parse alone", (r) => ratio(r.ratio.wallVsParse, r));
  add("ratio B/A CPU:  median/median", (r) => ratio(r.ratio.cpu, r));
  add("                median of B_i/A_i", (r) => ratio(r.ratio.cpuPairs, r));
  add("goal (wall median ratio)", (r) => `<= ${r.goal}x: ${r.goalMet ? "MET" : "MISSED"}`);
  add("phase: readFileSync", (r) => t(r.phases.read));
  add("phase: JSON.parse", (r) => t(r.phases.parse));
  add("phase: importProfileText", (r) => t(r.phases.importProfileText));
  add("       minus JSON.parse = import", (r) => t(r.phases.importOnly));
  add("phase: preprocess (tree+processors)", (r) => t(r.phases.preprocess));
  add("phase: render (all, 2nd on the session)", (r) => t(r.phases.render));
  add("diag: render without removeImportlib", (r) => t(r.phases.renderWithoutRemoveImportlib));
  add("B: Session.load", (r) => t(r.phases.fullLoad));
  add("B: render", (r) => t(r.phases.fullRender));
  add("bytes/sample: session (heap+buffers)", (r) => r.bytesPerSample.session.toFixed(0));
  add("              of which array buffers", (r) => r.bytesPerSample.sessionArrayBuffers.toFixed(0));
  add("              session typed arrays", (r) => r.bytesPerSample.sessionTypedArrays.toFixed(1));
  add("              parsed JSON (for scale)", (r) => r.bytesPerSample.parsedJson.toFixed(0));
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const lines = rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  "));
  lines.push("times: median wall ms (median process CPU ms); phases from the C runs (import = importProfileText - the same rep's JSON.parse);");
  lines.push("render (all) runs after preprocess on the same session (warm caches), so it can come out below preprocess: the text itself is small;");
  lines.push("diag: the default processors minus removeImportlib, so the tree core aggregates (a different report: what a stack-level removal could cost)");
  if (results.some((r) => r.renderSkipped)) {
    lines.push("* render not run at full size (estimate over BENCH_MAX_RENDER_S): B = measured Session.load + the estimate, likely a lower bound");
  }
  return lines.join("\n");
}

const specs: ProfileSpec[] = formats.map((kind) =>
  kind === "pyisession" ? { kind, samples: pyiSamples, depth: pyiDepth } : { kind, samples: cpuSamples }
);
if (!canGC) log("no GC control: run node with --expose-gc, deno with --v8-flags=--expose-gc");
if (formats.some((kind) => kind !== "pyisession")) {
  checkCpuprofileSupport(ensureProfile({ kind: "cpuprofile-node", samples: 1000 }, log));
}
const started = now();
const results = specs.map(bench);
console.log(`\nload + text render vs JSON.parse — ${runtime}${quick ? " (--quick)" : ""}, ${canGC ? "GC before each run" : "no GC control"}\n`);
console.log(table(results));
const wasmMegabytes = coreMemoryBytes() / 1e6;
console.log(`\n(${((now() - started) / 1000).toFixed(0)} s; memory: ${g.Bun ? "Bun heapUsed (includes external)" : g.Deno ? "heapUsed + external" : "heapUsed + arrayBuffers"} ` +
  `after forced GC; the tree core's WASM memory has grown to ${wasmMegabytes.toFixed(1)} MB and stays allocated)`);
console.log(JSON.stringify({ bench: "load-render", runtime, quick, wasmMegabytes, results, sink: sink > 0 }));

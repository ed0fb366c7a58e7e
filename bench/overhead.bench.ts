/**
 * Benchmark (not a test): what profiling costs, under Node, Deno and Bun.
 *
 *   node --import tsx bench/overhead.bench.ts                 (all three runtimes)
 *   node --import tsx bench/overhead.bench.ts --runtime deno  (repeatable, or node,bun)
 *
 * Options: --runtime NAME     node | deno | bun (default all three)
 *          --sections LIST    which parts to run, e.g. 1,2 (default 1,2,3)
 *          --node-cli dist    run Node's CLI and library from dist/ (default: a fresh esbuild
 *                             bundle of src/ in a temp dir, built the way tsup builds dist/)
 *          --no-preload       leave out variant (d) of part 1
 * Env:     BENCH_ROUNDS (part 1 rounds, default 7; one more warm-up round is discarded),
 *          BENCH_UNITS (part 1 workload units, default 100, about 1.5 s under Node),
 *          BENCH_AB_PAIRS (default 14), BENCH_AB_PROCESSES (default 3), BENCH_AB_CHUNK_MS (150),
 *          BENCH_LONG_SECONDS (part 3 profile length, default 60).
 *
 * 1. A CPU-bound program (bench/fixtures/cpu-workload.mjs, which prints its own workload time,
 *    start-up excluded), run per round as
 *      (a) unprofiled,
 *      (b) under the runtime's own `--cpu-prof --cpu-prof-interval=1000` (profile to a temp dir),
 *      (c) under this project's CLI, `-i 0.001 -o <tmp>.txt`,
 *      (d) as (b) plus the CLI's preload module (`--import` / `--preload`, with its environment
 *          variable set so it installs its handlers): what (c) runs, minus the CLI's parent.
 *    Variants are interleaved, a b c d | b c d a | c d a b ... (rotated so none always runs first),
 *    runtimes interleaved within each round.
 *    Reported: workload wall time, workload CPU time (process-wide, so profiler threads count;
 *    far less disturbed than wall time when other jobs share the cores), and the whole command's
 *    wall time and CPU time (all its processes, via `sh -c '...; times'`; start-up, profile
 *    writing, import and rendering included), median [min–max]; per-round ratios c/a, c/b, b/a,
 *    d/b and c/d of the workload, and per-round differences of the whole command.
 *    Goals: c/a ≤ 1.10 on Node and Deno; c/b ≤ 1.05.
 * 2. The in-process Profiler (bench/fixtures/inprocess-ab.mjs): per process, ABBA-alternated
 *    chunks of a warmed-up workload with the profiler off and on (GC before every chunk), median
 *    on/off ratio per process, in wall and in CPU time; median [min–max] over processes.
 * 3. `await profiler.stop()` after a BENCH_LONG_SECONDS profile at 1 ms of a steady mixed
 *    workload (bench/fixtures/long-profile.mjs), with the session's sample count, the split
 *    between the runtime's stop and the import, and RSS.
 *
 * Prints progress to stderr; tables and a final `BENCH_JSON {...}` line to stdout.
 * Noise: 2-vCPU machines shared with other jobs. Interleaving spreads the noise over all
 * variants, but treat differences of a few percent as noise; look at the ranges.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

type Runtime = "node" | "deno" | "bun";
const RUNTIMES: Runtime[] = ["node", "deno", "bun"];
type Variant = "a" | "b" | "c" | "d";
const VARIANT_NAMES: Record<Variant, string> = {
  a: "(a) unprofiled",
  b: "(b) runtime --cpu-prof 1 ms",
  c: "(c) pyinstrument CLI -i 0.001",
  d: "(d) --cpu-prof + CLI preload",
};

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const fixtures = join(root, "bench", "fixtures");
const cpuWorkload = join(fixtures, "cpu-workload.mjs");

// ---------- options ----------

function envNumber(name: string, fallback: number): number {
  const value = process.env[name];
  return value === undefined || value === "" ? fallback : Number(value);
}

interface Options {
  runtimes: Runtime[];
  sections: Set<number>;
  nodeCli: "bundle" | "dist";
  preloadVariant: boolean;
  rounds: number;
  units: number;
  abPairs: number;
  abProcesses: number;
  abChunkMs: number;
  longSeconds: number;
}

function parseOptions(argv: string[]): Options {
  const runtimes: Runtime[] = [];
  let sections = new Set([1, 2, 3]);
  let nodeCli: "bundle" | "dist" = "bundle";
  let preloadVariant = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? fail(`${flag} needs a value`);
    if (flag === "--runtime") {
      for (const name of value().split(",")) {
        if (!RUNTIMES.includes(name as Runtime)) fail(`unknown runtime ${name}`);
        if (!runtimes.includes(name as Runtime)) runtimes.push(name as Runtime);
      }
    } else if (flag === "--sections") sections = new Set(value().split(",").map(Number));
    else if (flag === "--node-cli") {
      const v = value();
      if (v !== "dist" && v !== "bundle") fail("--node-cli takes dist or bundle");
      nodeCli = v;
    } else if (flag === "--no-preload") preloadVariant = false;
    else fail(`unknown option ${arg}`);
  }
  return {
    runtimes: runtimes.length ? RUNTIMES.filter((r) => runtimes.includes(r)) : RUNTIMES,
    sections,
    nodeCli,
    preloadVariant,
    rounds: Math.max(1, envNumber("BENCH_ROUNDS", 7)),
    units: envNumber("BENCH_UNITS", 100),
    abPairs: Math.max(2, envNumber("BENCH_AB_PAIRS", 14)),
    abProcesses: Math.max(1, envNumber("BENCH_AB_PROCESSES", 3)),
    abChunkMs: envNumber("BENCH_AB_CHUNK_MS", 150),
    longSeconds: envNumber("BENCH_LONG_SECONDS", 60),
  };
}

function fail(message: string): never {
  process.stderr.write(`overhead.bench: ${message}\n`);
  process.exit(2);
}

// ---------- statistics ----------

interface Stat { median: number; min: number; max: number; n: number }

function stat(values: number[]): Stat {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!s.length) return { median: NaN, min: NaN, max: NaN, n: 0 };
  const m = s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { median: m, min: s[0], max: s[s.length - 1], n: s.length };
}

function fmt(s: Stat, digits = 0): string {
  if (!s.n) return "n/a";
  return `${s.median.toFixed(digits)} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]`;
}

function round(value: number, digits = 4): number {
  return Number.isFinite(value) ? Number(value.toFixed(digits)) : value;
}

function roundStat(s: Stat, digits = 4) {
  return { median: round(s.median, digits), min: round(s.min, digits), max: round(s.max, digits), n: s.n };
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => pad(c, widths[i])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

// ---------- processes ----------

interface Ran {
  code: number | null;
  signal: string | null;
  wallMs: number;
  /** User + system CPU of the command and all its descendants (with `cpu`), 10 ms resolution. */
  cpuMs?: number;
  stdout: string;
  stderr: string;
}

const shellTimes = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\n(\d+)m([\d.]+)s (\d+)m([\d.]+)s\n?$/;

/**
 * Runs a command to its end. With `cpu`, it runs under `sh`, whose `times` then reports the CPU
 * time of the whole process tree (the CLI and the program it starts): an end-to-end cost that,
 * unlike wall time, other jobs on the machine hardly change. The shell adds the same few ms to
 * every variant's wall time.
 */
function run(command: string, args: string[], env: Record<string, string> = {}, cpu = false): Promise<Ran> {
  if (cpu) {
    args = ["-c", '"$0" "$@"; s=$?; times >&2; exit $s', command, ...args];
    command = "/bin/sh";
  }
  return new Promise((resolvePromise, reject) => {
    const start = performance.now();
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const wallMs = performance.now() - start;
      const times = cpu ? shellTimes.exec(stderr) : null;
      if (cpu && !times) {
        resolvePromise({ code: code === 0 ? 1 : code, signal, wallMs, stdout, stderr: `${stderr}\n(no CPU times from sh)` });
        return;
      }
      const cpuMs = times ? (Number(times[5]) * 60 + Number(times[6]) + Number(times[7]) * 60 + Number(times[8])) * 1000 : undefined;
      resolvePromise({ code, signal, wallMs, cpuMs, stdout, stderr: times ? stderr.slice(0, times.index) : stderr });
    });
  });
}

function benchResult<T>(ran: Ran, what: string): T {
  const line = ran.stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (ran.code !== 0 || !line) {
    throw new Error(`${what} failed (code ${ran.code}, signal ${ran.signal})\n${ran.stdout.slice(-2000)}\n${ran.stderr.slice(-2000)}`);
  }
  return JSON.parse(line.slice("BENCH_RESULT ".length)) as T;
}

function progress(message: string): void {
  process.stderr.write(`[overhead] ${message}\n`);
}

// ---------- runtimes and the CLI ----------

interface Setup {
  tmp: string;
  exe: Record<Runtime, string>;
  /** Arguments before a script to run it with all permissions. */
  runArgs: Record<Runtime, string[]>;
  /** The command that runs the CLI, without its own arguments. */
  cli: Record<Runtime, string[]>;
  preload: Record<Runtime, string>;
  /** The module exporting Profiler, as this runtime loads it. */
  library: Record<Runtime, string>;
  nodeCliSource: string;
}

async function setUp(options: Options): Promise<Setup> {
  const tmp = mkdtempSync(join(tmpdir(), "pyinstrument-overhead-"));
  const bin = join(root, "node_modules", ".bin");
  const exe: Record<Runtime, string> = {
    node: process.execPath,
    deno: process.env.BENCH_DENO ?? join(bin, "deno"),
    bun: process.env.BENCH_BUN ?? join(bin, "bun"),
  };
  let nodeDir: string;
  let nodeCliSource: string;
  if (options.nodeCli === "dist") {
    nodeDir = join(root, "dist");
    if (!existsSync(join(nodeDir, "cli.js"))) fail("dist/cli.js is missing: run npm run build");
    nodeCliSource = `dist/ (built ${statSync(join(nodeDir, "cli.js")).mtime.toISOString()})`;
  } else {
    nodeDir = join(tmp, "bundle");
    await bundle(nodeDir);
    nodeCliSource = "esbuild bundle of the current src/ (as tsup builds dist/)";
  }
  const srcPreload = join(root, "src", "runtime", "child", "preload.js");
  return {
    tmp,
    exe,
    runArgs: { node: [], deno: ["run", "-A"], bun: [] },
    cli: {
      node: [exe.node, join(nodeDir, "cli.js")],
      deno: [exe.deno, "run", "-A", join(root, "src", "cli", "bin.ts")],
      bun: [exe.bun, join(root, "src", "cli", "bin.ts")],
    },
    preload: { node: join(nodeDir, "child", "preload.js"), deno: srcPreload, bun: srcPreload },
    library: { node: join(nodeDir, "index.js"), deno: join(root, "mod.ts"), bun: join(root, "mod.ts") },
    nodeCliSource,
  };
}

/** Node 20 can't load src/ (TypeScript), so its CLI and library are bundled as dist/ would be. */
async function bundle(outdir: string): Promise<void> {
  const esbuild = await import("esbuild");
  const common = { bundle: true, platform: "node", format: "esm", target: "es2022", logLevel: "warning" } as const;
  await esbuild.build({
    ...common,
    entryPoints: { cli: join(root, "src", "cli", "bin.ts"), index: join(root, "mod.ts") },
    outdir,
  });
  await esbuild.build({
    ...common,
    entryPoints: ["preload", "ts-loader", "ts-hooks"].map((name) => join(root, "src", "runtime", "child", `${name}.js`)),
    outdir: join(outdir, "child"),
    packages: "external",
  });
}

// ---------- part 1: a CPU-bound program ----------

interface ProgramRun { workloadMs: number; cpuMs: number; wallMs: number; wholeCpuMs: number; samples?: number }

let runCounter = 0;

async function runVariant(setup: Setup, runtime: Runtime, variant: Variant, units: number): Promise<ProgramRun> {
  const id = `${runtime}-${variant}-${runCounter++}`;
  const dir = join(setup.tmp, id);
  mkdirSync(dir);
  const exe = setup.exe[runtime];
  const script = [cpuWorkload, String(units)];
  const cpuProf = ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-interval=1000"];
  const preloadArgs = runtime === "node" ? ["--import", setup.preload.node] : [`--preload=${setup.preload[runtime]}`];
  let ran: Ran;
  try {
    switch (variant) {
      case "a":
        ran = await run(exe, [...setup.runArgs[runtime], ...script], {}, true);
        break;
      case "b":
        ran = await run(exe, [...setup.runArgs[runtime], ...cpuProf, ...script], {}, true);
        break;
      case "c": {
        const [command, ...args] = setup.cli[runtime];
        ran = await run(command, [...args, "-i", "0.001", "-o", join(dir, "report.txt"), ...script], {}, true);
        break;
      }
      case "d":
        ran = await run(exe, [...setup.runArgs[runtime], ...cpuProf, ...preloadArgs, ...script], {
          PYINSTRUMENT_ERROR_FILE: join(dir, "error.txt"),
        }, true);
        break;
    }
    const result = benchResult<{ workloadMs: number; cpuMs: number }>(ran, `${runtime} ${VARIANT_NAMES[variant]}`);
    const out: ProgramRun = { workloadMs: result.workloadMs, cpuMs: result.cpuMs, wallMs: ran.wallMs, wholeCpuMs: ran.cpuMs! };
    if (variant === "b" || variant === "d") {
      const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
      if (!file) throw new Error(`${runtime} ${VARIANT_NAMES[variant]} wrote no .cpuprofile`);
      out.samples = (JSON.parse(readFileSync(join(dir, file), "utf8")) as { samples: unknown[] }).samples.length;
    } else if (variant === "c") {
      const report = readFileSync(join(dir, "report.txt"), "utf8");
      const match = /Samples:\s*(\d+)/.exec(report);
      if (!match) throw new Error(`${runtime} CLI report has no sample count:\n${report.slice(0, 500)}`);
      out.samples = Number(match[1]);
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Part1Runtime {
  variants: Partial<Record<Variant, { workloadMs: Stat; cpuMs: Stat; wallMs: Stat; wholeCpuMs: Stat; samples?: Stat }>>;
  ratios: Record<string, Stat>;
  cpuRatios: Record<string, Stat>;
  /** Whole-command wall time, per-round differences in ms (what the CLI adds end to end). */
  wallExtraMs: Record<string, Stat>;
  /** The same for the whole command's CPU time (all its processes). */
  cpuExtraMs: Record<string, Stat>;
  raw: Partial<Record<Variant, ProgramRun[]>>;
}

async function part1(setup: Setup, options: Options): Promise<Record<string, Part1Runtime>> {
  const variants: Variant[] = options.preloadVariant ? ["a", "b", "c", "d"] : ["a", "b", "c"];
  const runs: Record<string, Partial<Record<Variant, ProgramRun[]>>> = {};
  for (const runtime of options.runtimes) runs[runtime] = Object.fromEntries(variants.map((v) => [v, []]));
  for (let r = 0; r <= options.rounds; r++) {
    const warmUp = r === 0;
    for (const runtime of options.runtimes) {
      const line: string[] = [];
      // Rotated each round (a b c d, b c d a, ...): still interleaved, and no variant always runs first.
      const order = variants.map((_, i) => variants[(i + r) % variants.length]);
      for (const variant of order) {
        const result = await runVariant(setup, runtime, variant, options.units);
        if (!warmUp) runs[runtime][variant]!.push(result);
        line.push(`${variant} ${result.workloadMs.toFixed(0)}/${result.cpuMs.toFixed(0)}/${result.wallMs.toFixed(0)}`);
      }
      progress(`part 1 ${warmUp ? "warm-up" : `round ${r}/${options.rounds}`} ${runtime}: ${line.join("  ")} (workload/workload CPU/whole command ms)`);
    }
  }
  const out: Record<string, Part1Runtime> = {};
  for (const runtime of options.runtimes) {
    const raw = runs[runtime];
    const ratiosOf = (measure: (run: ProgramRun) => number) => {
      const perRound = (x: Variant, y: Variant) =>
        raw[x] && raw[y] ? stat(raw[x]!.map((run, i) => measure(run) / measure(raw[y]![i]))) : stat([]);
      const ratios: Record<string, Stat> = { "c/a": perRound("c", "a"), "c/b": perRound("c", "b"), "b/a": perRound("b", "a") };
      if (raw.d) {
        ratios["d/b"] = perRound("d", "b");
        ratios["c/d"] = perRound("c", "d");
      }
      return ratios;
    };
    const ratios = ratiosOf((run) => run.workloadMs);
    const cpuRatios = ratiosOf((run) => run.cpuMs);
    const extrasOf = (measure: (run: ProgramRun) => number) => {
      const extra = (x: Variant, y: Variant) =>
        raw[x] && raw[y] ? stat(raw[x]!.map((run, i) => measure(run) - measure(raw[y]![i]))) : stat([]);
      const extras: Record<string, Stat> = { "c-a": extra("c", "a"), "c-b": extra("c", "b"), "b-a": extra("b", "a") };
      if (raw.d) extras["c-d"] = extra("c", "d");
      return extras;
    };
    const wallExtraMs = extrasOf((run) => run.wallMs);
    const cpuExtraMs = extrasOf((run) => run.wholeCpuMs);
    out[runtime] = {
      variants: Object.fromEntries(variants.map((v) => [v, {
        workloadMs: stat(raw[v]!.map((x) => x.workloadMs)),
        cpuMs: stat(raw[v]!.map((x) => x.cpuMs)),
        wallMs: stat(raw[v]!.map((x) => x.wallMs)),
        wholeCpuMs: stat(raw[v]!.map((x) => x.wholeCpuMs)),
        ...(raw[v]![0].samples === undefined ? {} : { samples: stat(raw[v]!.map((x) => x.samples!)) }),
      }])),
      ratios,
      cpuRatios,
      wallExtraMs,
      cpuExtraMs,
      raw,
    };
  }
  return out;
}

// ---------- part 2: the in-process Profiler ----------

interface AbResult {
  stopMode: "stop" | "stopSync";
  stopError: string | null;
  unitsPerChunk: number;
  offMs: number[];
  onMs: number[];
  ratios: number[];
  medianRatio: number;
  offCpuMs: number[];
  onCpuMs: number[];
  cpuRatios: number[];
  medianCpuRatio: number;
  stopMs: number[];
  samples: number[];
  samplesPerMs: number;
}

async function part2(setup: Setup, options: Options) {
  const results: Record<string, AbResult[]> = Object.fromEntries(options.runtimes.map((r) => [r, []]));
  for (let p = 0; p < options.abProcesses; p++) {
    for (const runtime of options.runtimes) {
      const gcArgs = runtime === "node" ? ["--expose-gc"] : runtime === "deno" ? ["--v8-flags=--expose-gc"] : [];
      const args = [...setup.runArgs[runtime], ...gcArgs, join(fixtures, "inprocess-ab.mjs"), setup.library[runtime], String(options.abPairs), String(options.abChunkMs)];
      const result = benchResult<AbResult>(await run(setup.exe[runtime], args), `${runtime} in-process A/B`);
      results[runtime].push(result);
      progress(`part 2 process ${p + 1}/${options.abProcesses} ${runtime}: median on/off ${result.medianRatio.toFixed(3)}, CPU ${result.medianCpuRatio.toFixed(3)} (${result.unitsPerChunk} units/chunk, off ${stat(result.offMs).median.toFixed(0)} ms)`);
    }
  }
  return Object.fromEntries(options.runtimes.map((runtime) => {
    const rs = results[runtime];
    return [runtime, {
      ratio: stat(rs.map((r) => r.medianRatio)),
      processRatios: rs.map((r) => round(r.medianRatio)),
      pairRatios: stat(rs.flatMap((r) => r.ratios)),
      cpuRatio: stat(rs.map((r) => r.medianCpuRatio)),
      processCpuRatios: rs.map((r) => round(r.medianCpuRatio)),
      pairCpuRatios: stat(rs.flatMap((r) => r.cpuRatios)),
      chunkOffMs: stat(rs.flatMap((r) => r.offMs)),
      stopMs: stat(rs.flatMap((r) => r.stopMs)),
      samplesPerMs: stat(rs.map((r) => r.samplesPerMs)),
      pairs: options.abPairs,
      stopNote: stopNote(rs),
    }];
  }));
}

// ---------- part 3: stop() after a long profile ----------

interface LongResult {
  stopMode: "stop" | "stopSync";
  stopError: string | null;
  seconds: number;
  stopMs: number;
  sampleCount: number;
  duration: number;
  rawStopMs: number | null;
  importMs: number | null;
  rawSamples: number | null;
  rawNodes: number | null;
  rssBeforeMB: number;
  rssDuringMB: number;
  rssAfterMB: number;
}

async function part3(setup: Setup, options: Options) {
  const out: Record<string, LongResult> = {};
  for (const runtime of options.runtimes) {
    progress(`part 3 ${runtime}: profiling for ${options.longSeconds} s ...`);
    const args = [...setup.runArgs[runtime], join(fixtures, "long-profile.mjs"), setup.library[runtime], String(options.longSeconds)];
    out[runtime] = benchResult<LongResult>(await run(setup.exe[runtime], args), `${runtime} long profile`);
    progress(`part 3 ${runtime}: stop ${out[runtime].stopMs.toFixed(1)} ms, ${out[runtime].sampleCount} samples`);
  }
  return out;
}

// ---------- report ----------

/** Set when a fixture had to stop with stopSync() because `await stop()` failed. */
function stopNote(results: { stopMode: string; stopError: string | null }[]): string | null {
  const failed = results.find((r) => r.stopMode !== "stop");
  return failed ? `await stop() failed (${failed.stopError}); stopSync() used instead` : null;
}

async function versions(setup: Setup, runtimes: Runtime[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const runtime of runtimes) {
    const ran = await run(setup.exe[runtime], ["--version"]);
    out[runtime] = ran.stdout.split("\n")[0].trim();
  }
  return out;
}

const mark = (ok: boolean) => (ok ? "met" : "NOT met");

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const setup = await setUp(options);
  const started = performance.now();
  try {
    const runtimeVersions = await versions(setup, options.runtimes);
    progress(`runtimes: ${JSON.stringify(runtimeVersions)}; Node CLI: ${setup.nodeCliSource}`);
    const loadBefore = loadavg().map((x) => round(x, 2));
    const report: Record<string, unknown> = {
      bench: "overhead",
      date: new Date().toISOString(),
      versions: runtimeVersions,
      nodeCli: setup.nodeCliSource,
      options: { ...options, sections: [...options.sections] },
    };
    const text: string[] = [];

    if (options.sections.has(1)) {
      const p1 = await part1(setup, options);
      const rows: string[][] = [];
      for (const runtime of options.runtimes) {
        for (const [variant, v] of Object.entries(p1[runtime].variants)) {
          rows.push([runtime, VARIANT_NAMES[variant as Variant], fmt(v!.workloadMs), fmt(v!.cpuMs), fmt(v!.wallMs), fmt(v!.wholeCpuMs), v!.samples ? fmt(v!.samples) : ""]);
        }
      }
      const ratioRows: string[][] = [];
      const goals: Record<string, Record<string, boolean>> = {};
      for (const runtime of options.runtimes) {
        for (const [measure, r] of [["wall", p1[runtime].ratios], ["CPU", p1[runtime].cpuRatios]] as const) {
          const g: Record<string, boolean> = { "c/b<=1.05": r["c/b"].median <= 1.05 };
          if (runtime !== "bun") g["c/a<=1.10"] = r["c/a"].median <= 1.1;
          for (const [k, v] of Object.entries(g)) (goals[runtime] ??= {})[`${measure} ${k}`] = v;
          ratioRows.push([
            runtime,
            measure,
            fmt(r["c/a"], 3) + (runtime === "bun" ? "" : ` ${mark(g["c/a<=1.10"])}`),
            fmt(r["c/b"], 3) + ` ${mark(g["c/b<=1.05"])}`,
            fmt(r["b/a"], 3),
            r["d/b"] ? fmt(r["d/b"], 3) : "",
            r["c/d"] ? fmt(r["c/d"], 3) : "",
          ]);
        }
      }
      text.push(
        `1. CPU-bound program (${options.units} units), ${options.rounds} interleaved rounds; median [min–max]`,
        table(["runtime", "variant", "workload ms", "workload CPU ms", "whole command ms", "whole command CPU ms", "samples"], rows),
        "",
        "   Workload ratios (wall time, and process CPU time), per round; goals: c/a ≤ 1.10 (Node, Deno), c/b ≤ 1.05",
        table(["runtime", "measure", "c/a (CLI vs none)", "c/b (CLI vs --cpu-prof)", "b/a (--cpu-prof)", "d/b (preload)", "c/d (CLI parent)"], ratioRows),
        "",
        "   Whole command, extra ms per round (wall, and CPU of all its processes): what the CLI adds end to end",
        "   (c−b: the CLI process's start-up, the profile's import and the report)",
        table(
          ["runtime", "measure", "c−a", "c−b", "b−a", ...(options.preloadVariant ? ["c−d"] : [])],
          options.runtimes.flatMap((runtime) => ([["wall", p1[runtime].wallExtraMs], ["CPU", p1[runtime].cpuExtraMs]] as const).map(([measure, e]) =>
            [runtime, measure, fmt(e["c-a"]), fmt(e["c-b"]), fmt(e["b-a"]), ...(e["c-d"] ? [fmt(e["c-d"])] : [])])),
        ),
      );
      report.part1 = Object.fromEntries(options.runtimes.map((runtime) => [runtime, {
        variants: Object.fromEntries(Object.entries(p1[runtime].variants).map(([k, v]) => [k, {
          workloadMs: roundStat(v!.workloadMs, 1),
          cpuMs: roundStat(v!.cpuMs, 1),
          wallMs: roundStat(v!.wallMs, 1),
          wholeCpuMs: roundStat(v!.wholeCpuMs, 1),
          ...(v!.samples ? { samples: roundStat(v!.samples, 0) } : {}),
        }])),
        ratios: Object.fromEntries(Object.entries(p1[runtime].ratios).map(([k, v]) => [k, roundStat(v)])),
        cpuRatios: Object.fromEntries(Object.entries(p1[runtime].cpuRatios).map(([k, v]) => [k, roundStat(v)])),
        wallExtraMs: Object.fromEntries(Object.entries(p1[runtime].wallExtraMs).map(([k, v]) => [k, roundStat(v, 1)])),
        cpuExtraMs: Object.fromEntries(Object.entries(p1[runtime].cpuExtraMs).map(([k, v]) => [k, roundStat(v, 1)])),
        goals: goals[runtime],
      }]));
    }

    if (options.sections.has(2)) {
      const p2 = await part2(setup, options);
      text.push(
        "",
        `2. In-process Profiler at 1 ms: ${options.abProcesses} processes × ${options.abPairs} ABBA pairs of ~${options.abChunkMs} ms chunks; median [min–max]`,
        table(
          ["runtime", "on/off wall (process medians)", "per-pair", "on/off CPU (process medians)", "per-pair", "chunk off ms", "stop() ms", "samples/ms"],
          options.runtimes.map((runtime) => {
            const r = p2[runtime];
            return [runtime, fmt(r.ratio, 3), fmt(r.pairRatios, 3), fmt(r.cpuRatio, 3), fmt(r.pairCpuRatios, 3), fmt(r.chunkOffMs), fmt(r.stopMs, 1), fmt(r.samplesPerMs, 2)];
          }),
        ),
      );
      report.part2 = Object.fromEntries(options.runtimes.map((runtime) => {
        const r = p2[runtime];
        return [runtime, {
          ratio: roundStat(r.ratio),
          processRatios: r.processRatios,
          pairRatios: roundStat(r.pairRatios),
          cpuRatio: roundStat(r.cpuRatio),
          processCpuRatios: r.processCpuRatios,
          pairCpuRatios: roundStat(r.pairCpuRatios),
          chunkOffMs: roundStat(r.chunkOffMs, 1),
          stopMs: roundStat(r.stopMs, 2),
          samplesPerMs: roundStat(r.samplesPerMs, 3),
          stopNote: r.stopNote,
        }];
      }));
      for (const runtime of options.runtimes) if (p2[runtime].stopNote) text.push(`   NOTE ${runtime}: ${p2[runtime].stopNote}`);
    }

    if (options.sections.has(3)) {
      const p3 = await part3(setup, options);
      const n = (v: number | null, d = 1) => (v === null ? "n/a" : v.toFixed(d));
      text.push(
        "",
        `3. await profiler.stop() after a ${options.longSeconds} s profile at 1 ms (steady mixed workload, one process per runtime)`,
        table(
          ["runtime", "stop() ms", "runtime stop ms", "import ms", "samples", "raw samples", "nodes", "RSS MB before/during/after"],
          options.runtimes.map((runtime) => {
            const r = p3[runtime];
            return [runtime, n(r.stopMs), n(r.rawStopMs), n(r.importMs), String(r.sampleCount), String(r.rawSamples ?? "n/a"), String(r.rawNodes ?? "n/a"),
              `${r.rssBeforeMB.toFixed(0)}/${r.rssDuringMB.toFixed(0)}/${r.rssAfterMB.toFixed(0)}`];
          }),
        ),
      );
      for (const runtime of options.runtimes) {
        const note = stopNote([p3[runtime]]);
        if (note) text.push(`   NOTE ${runtime}: ${note}; stopSync() timed`);
      }
      report.part3 = Object.fromEntries(options.runtimes.map((runtime) => {
        const r = p3[runtime];
        return [runtime, Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "number" ? round(v, 2) : v]))];
      }));
    }

    const totalSeconds = (performance.now() - started) / 1000;
    report.totalSeconds = round(totalSeconds, 1);
    const loadAfter = loadavg().map((x) => round(x, 2));
    report.loadAverage = { before: loadBefore, after: loadAfter, cpus: cpus().length };
    text.push(
      "",
      `Runtimes: ${Object.entries(runtimeVersions).map(([k, v]) => `${k} ${v}`).join(", ")}; Node CLI: ${setup.nodeCliSource}; total ${totalSeconds.toFixed(0)} s`,
      `Load average (1/5/15 min) before ${loadBefore.join("/")}, after ${loadAfter.join("/")} on ${cpus().length} CPUs: above the CPU count, other jobs competed for the cores.`,
    );
    process.stdout.write(text.join("\n") + "\n");
    process.stdout.write(`BENCH_JSON ${JSON.stringify(report)}\n`);
  } finally {
    rmSync(setup.tmp, { recursive: true, force: true });
  }
}

await main();

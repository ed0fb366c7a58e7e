// The CLI profiling real programs, on the runtime that runs this file: each runtime's run of the
// suite spawns the CLI with that same runtime, which runs the program under its own profiler.
// The fixture programs busy-wait for known durations, so the reported times can be checked.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";

const RUNTIME: "node" | "deno" | "bun" = process.versions.bun ? "bun" : process.versions.deno ? "deno" : "node";
/** V8 reports garbage collection and idle time; JavaScriptCore (Bun) reports neither. */
const V8 = RUNTIME !== "bun";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "src", "cli", "bin.ts");
const PROGRAMS = join(ROOT, "tests", "fixtures", "programs");
const CLI_PREFIX = RUNTIME === "node" ? ["--import", "tsx", BIN] : RUNTIME === "deno" ? ["run", "-A", BIN] : [BIN];
const TIMEOUT_MS = 30_000;

const scratch = mkdtempSync(join(tmpdir(), "pyinstrument-run-test-"));
const reportDir = join(scratch, "reports");
const ENV: Record<string, string | undefined> = {
  ...process.env,
  PYINSTRUMENT_REPORT_DIR: reportDir,
  NO_COLOR: "1",
  FORCE_COLOR: "0",
  TZ: "UTC",
};
delete ENV.PYINSTRUMENT_DEBUG;

interface CliRun {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

interface SpawnOptions {
  /** Called with the child's pid and its output so far, each time output arrives. */
  onOutput?: (pid: number, stdout: string) => void;
  command?: string;
  args?: string[];
}

/**
 * Runs the CLI (or the given command) to its end, with a time limit; output decoded as UTF-8.
 * It runs in a process group of its own, as a shell starts a job: the tests signal the group as
 * a terminal's Ctrl-C does, and a run over its time is killed with its program.
 */
function runCli(cliArgs: string[], options: SpawnOptions = {}): Promise<CliRun> {
  const command = options.command ?? process.execPath;
  const args = options.args ?? [...CLI_PREFIX, ...cliArgs];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: ENV,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8");
    child.stderr!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      stdout += chunk;
      options.onOutput?.(child.pid!, stdout);
    });
    child.stderr!.on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
      reject(new Error(`${args.join(" ")} took over ${TIMEOUT_MS} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, TIMEOUT_MS);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Runs the CLI and insists that it succeeds. */
async function runOk(cliArgs: string[]): Promise<CliRun> {
  const run = await runCli(cliArgs);
  assert.is(run.code, 0, `pyinstrument ${cliArgs.join(" ")}: exit code\nstderr: ${run.stderr}`);
  return run;
}

/** The path of a fixture program as given on the command line (relative, as users type it). */
const program = (name: string) => relative(ROOT, join(PROGRAMS, name));
const programPath = (name: string) => join(PROGRAMS, name);

// ---- the JSON renderer's tree

interface JsonFrame {
  function: string;
  file_path: string;
  file_path_short: string;
  line_no: number;
  time: number;
  is_application_code: boolean;
  children: JsonFrame[];
  group_id?: string;
}

interface JsonReport {
  duration: number;
  sample_count: number;
  target_description: string;
  root_frame: JsonFrame;
}

function* walk(frame: JsonFrame, ancestors: JsonFrame[] = []): Generator<{ frame: JsonFrame; ancestors: JsonFrame[] }> {
  yield { frame, ancestors };
  for (const child of frame.children) yield* walk(child, [...ancestors, frame]);
}

/** Frames running the named function (from `file`, when given), outermost ones only. */
function framesNamed(root: JsonFrame, name: string, file?: string): JsonFrame[] {
  const found: JsonFrame[] = [];
  for (const { frame, ancestors } of walk(root)) {
    if (frame.function !== name || (file !== undefined && frame.file_path !== file)) continue;
    if (ancestors.some((ancestor) => found.includes(ancestor))) continue;
    found.push(frame);
  }
  return found;
}

/** Total time in the named function, over every place it was called from. */
function timeIn(root: JsonFrame, name: string, file?: string): number {
  const frames = framesNamed(root, name, file);
  assert.ok(frames.length > 0, `no frame for ${name} in the report:\n${outline(root)}`);
  return frames.reduce((sum, frame) => sum + frame.time, 0);
}

/** An indented outline of the tree, for failure messages. */
function outline(root: JsonFrame): string {
  return [...walk(root)]
    .map(({ frame, ancestors }) => `${"  ".repeat(ancestors.length)}${frame.time.toFixed(3)} ${frame.function} ${frame.file_path_short}:${frame.line_no}`)
    .join("\n");
}

/**
 * The durations the program measured itself (its `TIMES {...}` line), in ms. They are the busy
 * loops' nominal times on a quiet machine; on a loaded one a loop can overrun its end (the
 * process is descheduled at the moment it should stop), and the profile must show that too.
 */
function measuredTimes(stdout: string): Record<string, number> {
  const match = /^TIMES (\{.*\})$/m.exec(stdout);
  assert.ok(match, `the program printed its times: ${stdout.slice(0, 300)}`);
  return JSON.parse(match![1]);
}

/** The output without the program's `TIMES` line. */
const withoutTimes = (stdout: string) => stdout.replace(/^TIMES .*\n/m, "");

/** Within 10% or 20 ms of the known duration, whichever is looser. */
function assertDuration(actual: number, expectedMs: number, label: string, root: JsonFrame): void {
  const expected = expectedMs / 1000;
  const tolerance = Math.max(0.1 * expected, 0.020);
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${label}: ${(actual * 1000).toFixed(1)} ms, expected ${expectedMs} ms ± ${(tolerance * 1000).toFixed(0)} ms\n${outline(root)}`,
  );
}

/** The report starts at the program's top level, with its `main` right below: no runtime frames above. */
function assertRootIsProgram(root: JsonFrame, file: string): void {
  assert.is(root.file_path, file, `the report's root is the program's top level\n${outline(root)}`);
  assert.ok(root.children.some((child) => child.function === "main"), `main sits right below the root\n${outline(root)}`);
}

function parseJson(text: string, label: string): JsonReport {
  try {
    return JSON.parse(text) as JsonReport;
  } catch (error) {
    throw new Error(`${label}: not JSON (${(error as Error).message}): ${text.slice(0, 500)}`);
  }
}

// ---- the text report

/** `name  file:line` of each frame line in a text report. */
function textFrames(report: string): Array<{ time: number; name: string; file: string; line: number | null }> {
  const frames = [];
  for (const line of report.split("\n")) {
    const match = /^[\s│├└─]*(\d+\.\d+) (.+?)  (\S+?)(?::(\d+))?$/.exec(line);
    if (match) frames.push({ time: Number(match[1]), name: match[2], file: match[3], line: match[4] ? Number(match[4]) : null });
  }
  return frames;
}

/** The identifier in the hint printed after a text report. */
function loadPrevId(stdout: string): string {
  const match = /\n    pyinstrument --load-prev (\S+) \[options\]\n\n$/.exec(stdout);
  assert.ok(match, `the report ends with the --load-prev hint: ${JSON.stringify(stdout.slice(-200))}`);
  return match![1];
}

/** The 1-based line of `function name` in a source file. */
function declarationLine(source: string, name: string): number {
  const index = source.split("\n").findIndex((line) => new RegExp(`\\bfunction\\s+${name}\\b`).test(line));
  assert.ok(index >= 0, `function ${name} in the fixture`);
  return index + 1;
}

/**
 * A test whose assertions rest on the accuracy of sampling. The machines these tests run on are
 * shared: when other work starves the sampler (gaps of 10-80 ms between samples, measured at a
 * load average of 10 on 2 cores), times stray, so a failing run is repeated once, and the retry
 * is reported on stderr. A real fault fails both runs.
 */
function samplingTest(name: string, body: () => Promise<void>): void {
  test(name, async () => {
    try {
      await body();
    } catch (error) {
      process.stderr.write(`\n[${RUNTIME}] retrying once: ${name}: ${String((error as Error).message).split("\n")[0]}\n`);
      await body();
    }
  });
}

// ---- timings, per module flavour

const BASIC = [
  { file: "basic.js", flavour: "ES module (.js under a type: module package)" },
  { file: "basic.mjs", flavour: ".mjs" },
  { file: "basic.cjs", flavour: "CommonJS (.cjs)" },
];

for (const { file, flavour } of BASIC) {
  samplingTest(`${flavour}: slow 200 ms and fast 80 ms under main, with the program's top level as the root`, async () => {
    const out = join(scratch, `${file}.json`);
    const run = await runOk(["-o", out, program(file)]);
    const times = measuredTimes(run.stdout);
    assert.is(withoutTimes(run.stdout), "", "with -o, only the program's output on stdout");
    const report = parseJson(readFileSync(out, "utf8"), file);
    const root = report.root_frame;
    assertRootIsProgram(root, programPath(file));
    assertDuration(timeIn(root, "slow", programPath(file)), times.slow, `${file} slow`, root);
    assertDuration(timeIn(root, "fast", programPath(file)), times.fast, `${file} fast`, root);
    assertDuration(timeIn(root, "main", programPath(file)), times.main, `${file} main`, root);
    // the whole run: main, then the program's printing
    assert.ok(report.duration >= (times.main - 20) / 1000, `duration ${report.duration} covers main (${times.main} ms)`);
  });
}

// ---- TypeScript: exact lines

const TYPESCRIPT = [
  { file: "typed.ts", functions: ["main", "slow", "fast"] },
  { file: "typed.mts", functions: ["main", "slow", "fast", "spin"] },
];

for (const { file, functions } of TYPESCRIPT) {
  samplingTest(`TypeScript ${file}: each function at the line it is declared on, and its time`, async () => {
    const run = await runOk(["-p", "show_all", program(file)]);
    const source = readFileSync(programPath(file), "utf8");
    const reported = textFrames(run.stdout).filter((frame) => frame.file === program(file) && frame.line !== null);
    for (const name of functions) {
      const frame = reported.find((candidate) => candidate.name === name);
      assert.ok(frame, `${name} in the report:\n${run.stdout}`);
      assert.is(`${name}:${frame!.line}`, `${name}:${declarationLine(source, name)}`, `line of ${name}:\n${run.stdout}`);
    }
    // every frame of the file that names a declared function has that function's line
    for (const frame of reported) {
      if (!new RegExp(`\\bfunction\\s+${frame.name}\\b`).test(source)) continue;
      assert.is(frame.line, declarationLine(source, frame.name), `line of ${frame.name}:\n${run.stdout}`);
    }
    // the same session as JSON, through --load-prev: the times
    const json = parseJson((await runOk(["--load-prev", loadPrevId(run.stdout), "-r", "json"])).stdout, file);
    const root = json.root_frame;
    const times = measuredTimes(run.stdout);
    assertRootIsProgram(root, programPath(file));
    assertDuration(timeIn(root, "slow", programPath(file)), times.slow, `${file} slow`, root);
    assertDuration(timeIn(root, "fast", programPath(file)), times.fast, `${file} fast`, root);
  });
}

// ---- --load-prev

test("a normal run: code 0, the report and hint on stdout; --load-prev ID prints that report again", async () => {
  const first = await runOk([program("basic.mjs")]);
  assert.is(first.stderr, "", "a normal run prints nothing on stderr");
  assert.match(first.stdout, /\n\s*Program: tests\/fixtures\/programs\/basic\.mjs\n/);
  const id = loadPrevId(first.stdout);
  const again = await runOk(["--load-prev", id]);
  assert.is(again.stdout, withoutTimes(first.stdout));
  assert.is(again.stderr, "");
});

// ---- libraries

samplingTest("a package's frames collapse to one `[N frames hidden]  fakelib` line; --show-all shows them", async () => {
  const run = await runOk([program("library.js")]);
  assert.match(run.stdout, /^[\s│]*\[\d+ frames hidden\]  fakelib(?:, [^\n]+)?$/m);
  for (const hidden of ["spinOuter", "spinMiddle"]) assert.not.match(run.stdout, new RegExp(`\\b${hidden}\\b`));
  assert.match(run.stdout, /\bwork  tests\/fixtures\/programs\/node_modules\/fakelib\/index\.js:15$/m);

  const json = parseJson((await runOk(["--load-prev", loadPrevId(run.stdout), "-r", "json"])).stdout, "library.js");
  const root = json.root_frame;
  const times = measuredTimes(run.stdout);
  assertRootIsProgram(root, programPath("library.js"));
  assertDuration(timeIn(root, "work"), times.work, "fakelib work", root);
  assertDuration(timeIn(root, "ownWork"), times.ownWork, "ownWork", root);
  const work = framesNamed(root, "work")[0];
  assert.is(work.is_application_code, false, "fakelib is library code");

  const all = await runOk(["--show-all", program("library.js")]);
  assert.not.match(all.stdout, /frames hidden\]  fakelib/);
  const lib = "tests/fixtures/programs/node_modules/fakelib/index.js";
  for (const [name, line] of [["work", 15], ["spinOuter", 11], ["spinMiddle", 7], ["spinInner", 2]] as const) {
    assert.match(all.stdout, new RegExp(`\\b${name}  ${lib.replaceAll(".", "\\.")}:${line}$`, "m"), `${name} shown:\n${all.stdout}`);
  }
});

// ---- garbage collection

samplingTest(`an allocating function's GC time ${V8 ? "shows as [gc] under it, not at the root" : "(Bun reports no GC)"}`, async () => {
  const out = join(scratch, "alloc.json");
  const run = await runOk(["-o", out, program("alloc.js")]);
  const root = parseJson(readFileSync(out, "utf8"), "alloc.js").root_frame;
  const gcFrames = [...walk(root)].filter(({ frame }) => frame.function === "[gc]");
  if (!V8) {
    // JavaScriptCore's GC pauses are gaps between samples, which may read as idle time at the
    // root: neither the root nor allocate's full time can be asserted there.
    assert.is(gcFrames.length, 0, `JavaScriptCore's profiles have no GC samples\n${outline(root)}`);
    assert.ok(timeIn(root, "allocate") > 0.05, `allocate is in the profile\n${outline(root)}`);
    return;
  }
  assertRootIsProgram(root, programPath("alloc.js"));
  // V8 charges samples taken in builtins that optimized code calls (allocation, the GC it
  // triggers) to the caller of the optimized function, and how much of allocate's loop that is
  // depends on what it inlines: the time is asserted under main, which only calls allocate.
  assertDuration(timeIn(root, "main"), measuredTimes(run.stdout).allocate, "main, allocate's caller", root);
  assert.ok(timeIn(root, "allocate") > timeIn(root, "main") / 2, `allocate holds most of main's time\n${outline(root)}`);
  const [allocate] = framesNamed(root, "allocate");
  const gcUnderAllocate = [...walk(allocate)].filter(({ frame }) => frame.function === "[gc]");
  const gcTime = gcUnderAllocate.reduce((sum, { frame }) => sum + frame.time, 0);
  const allGcTime = gcFrames.reduce((sum, { frame }) => sum + frame.time, 0);
  assert.ok(gcTime > 0.005, `[gc] under allocate (${(gcTime * 1000).toFixed(1)} ms)\n${outline(root)}`);
  assert.ok(gcTime >= allGcTime / 2, `most GC time under allocate (${gcTime} of ${allGcTime} s)\n${outline(root)}`);
  // V8 reports GC samples at the root of its profile, with no stack; each must hang under the
  // code that was running (the program's top level included), never under the thread
  for (const { ancestors } of gcFrames) {
    const parent = ancestors[ancestors.length - 1];
    assert.ok(parent && parent.file_path !== "<thread>", `[gc] under ${parent?.function} ${parent?.file_path}\n${outline(root)}`);
  }
});

// ---- Ctrl-C

test("Ctrl-C (SIGINT to the process group): the report, then exit code 130", async () => {
  let signalled = false;
  const run = await runCli([program("forever.js")], {
    onOutput: (pid, stdout) => {
      if (signalled || !stdout.includes("running")) return;
      signalled = true;
      // as a terminal does: the whole foreground process group gets the signal
      setTimeout(() => process.kill(-pid, "SIGINT"), 700);
    },
  });
  assert.ok(signalled, `the program started: ${run.stdout} ${run.stderr}`);
  assert.is(run.code, 130, `exit code (signal ${run.signal}), stderr: ${run.stderr}`);
  const frames = textFrames(run.stdout);
  const tick = frames.find((frame) => frame.name === "tick" && frame.file === program("forever.js"));
  assert.ok(tick, `tick in the report:\n${run.stdout}\n${run.stderr}`);
  assert.ok(tick!.time >= 0.1, `some 350 ms of ticks over 700 ms:\n${run.stdout}`);
  loadPrevId(run.stdout);
});

test("Ctrl-C twice ends a program busy in a loop (its exit handler never runs): no report, code 137", async () => {
  let signalled = 0;
  const run = await runCli([program("busy-forever.js")], {
    onOutput: (pid, stdout) => {
      if (signalled || !stdout.includes("running")) return;
      signalled = 1;
      setTimeout(() => process.kill(-pid, "SIGINT"), 300);
      setTimeout(() => process.kill(-pid, "SIGINT"), 900);
    },
  });
  assert.ok(signalled, `the program started: ${run.stdout} ${run.stderr}`);
  assert.is(run.code, 137, `exit code (signal ${run.signal}), stderr: ${run.stderr}`);
  assert.is(run.stdout, "running\n");
  assert.is(run.stderr, "pyinstrument: the program was killed by SIGKILL before its profile was written\n");
});

// ---- runs whose checks don't depend on timing

const quoted = (args: string[]) => args.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(" ");
const CODE = 'const end = performance.now() + 50; while (performance.now() < end); console.log("ARGV " + JSON.stringify(process.argv));';
const QUICK = {
  badLoadPrev: { args: ["--load-prev", "no-such-report"] },
  missing: { args: [program("no-such-script.js")] },
  exit3: { args: [program("exit3.js")] },
  throws: { args: [program("throws.js")] },
  // both streams on one pipe, to see their order
  throwsOnePipe: {
    args: [],
    options: { command: "/bin/sh", args: ["-c", `exec ${quoted([process.execPath, ...CLI_PREFIX, program("throws.js")])} 2>&1`] },
  },
  code: { args: ["-c", CODE, "first", "two words", "--flag"] },
  argv: { args: [program("argv.js"), "a", "b c", "--flag", "-r", "json"] },
  outfile: { args: ["-o", join(scratch, "report.txt"), program("exit3.js")] },
  interval: {
    args: ["-i", "0.0005", "--target-description", "Run of {args} {{literal}}", "-r", "pyisession", program("basic.js"), "one", "two"],
  },
} satisfies Record<string, { args: string[]; options?: SpawnOptions }>;
let quickRuns: Map<string, Promise<CliRun>> | null = null;

/**
 * The run of one of the QUICK command lines. The first call starts them all at once: the CLI's
 * start-up (over a second on Node, for tsx) dominates each of them, and none measures time.
 */
function quick(name: keyof typeof QUICK): Promise<CliRun> {
  quickRuns ??= new Map(
    Object.entries(QUICK).map(([key, run]) => [key, runCli(run.args, "options" in run ? run.options : {})] as const),
  );
  return quickRuns.get(name)!;
}

test("--load-prev with an unknown ID: one error line, code 2", async () => {
  const bad = await quick("badLoadPrev");
  assert.is(bad.code, 2);
  assert.is(bad.stdout, "");
  assert.is(bad.stderr, "pyinstrument: error: Couldn't find a profile with identifier no-such-report\n");
});

// ---- ways a program ends

test("process.exit(3): the report, then exit code 3", async () => {
  const run = await quick("exit3");
  assert.is(run.code, 3, run.stderr);
  assert.is(run.stderr, "");
  assert.not.match(run.stdout, /not reached/);
  const frames = textFrames(run.stdout);
  assert.ok(frames.some((frame) => frame.name === "slow" && frame.file === program("exit3.js")), run.stdout);
  loadPrevId(run.stdout);
});

test("an uncaught error: the report on stdout, then the error on stderr, exit code 1", async () => {
  const run = await quick("throws");
  assert.is(run.code, 1);
  assert.ok(textFrames(run.stdout).some((frame) => frame.name === "slow"), run.stdout);
  assert.not.match(run.stdout, /fixture failure/);
  assert.match(run.stderr, /Error: fixture failure/);
  assert.match(run.stderr, /throws\.js:9/, "the error's stack names the throwing line");
  assert.not.match(run.stderr, /pyinstrument/, "only the program's error on stderr");

  // the order, with both streams on one pipe
  const both = await quick("throwsOnePipe");
  assert.is(both.code, 1);
  const reportAt = both.stdout.indexOf("Program: ");
  const hintAt = both.stdout.indexOf("--load-prev");
  const errorAt = both.stdout.indexOf("fixture failure");
  assert.ok(reportAt >= 0 && hintAt > reportAt && errorAt > hintAt, `report, hint, then the error:\n${both.stdout}`);
});

// ---- arguments

test("-c CODE args: the code runs and sees its arguments", async () => {
  const run = await quick("code");
  assert.is(run.code, 0, run.stderr);
  const printed = /^ARGV (.*)$/m.exec(run.stdout);
  assert.ok(printed, run.stdout);
  assert.equal((JSON.parse(printed![1]) as string[]).slice(-3), ["first", "two words", "--flag"]);
  assert.match(run.stdout, /\n\s*Program: -c first two words --flag\n/);
  assert.ok(run.stdout.indexOf("ARGV") < run.stdout.indexOf("Program:"), "the program's output comes before the report");
});

test("the script sees its own path and arguments, options after the script included", async () => {
  const run = await quick("argv");
  assert.is(run.code, 0, run.stderr);
  // the report is the CLI's default (text): `-r json` went to the script
  const printed = JSON.parse(run.stdout.split("\n")[0]);
  assert.equal(printed, { script: programPath("argv.js"), args: ["a", "b c", "--flag", "-r", "json"] });
  assert.match(run.stdout, /\n\s*Program: tests\/fixtures\/programs\/argv\.js a b c --flag -r json\n/);
});

// ---- output options

test("-o FILE writes the whole text report there and nothing to stdout (the program's exit: 3)", async () => {
  const out = join(scratch, "report.txt");
  const run = await quick("outfile");
  assert.is(run.code, 3, run.stderr);
  assert.is(run.stdout, "");
  const text = readFileSync(out, "utf8");
  assert.match(text, /^\n  _     ._   __\/__/);
  assert.match(text, /\n\s*Program: tests\/fixtures\/programs\/exit3\.js\n/);
  assert.ok(textFrames(text).some((frame) => frame.name === "slow"), text);
  assert.ok(text.endsWith("\n") && !text.includes("--load-prev"), JSON.stringify(text.slice(-100)));
});

test("-i 0.0005 sets the session's interval; --target-description fills in {args}", async () => {
  const run = await quick("interval");
  assert.is(run.code, 0, run.stderr);
  const session = JSON.parse(withoutTimes(run.stdout));
  assert.is(session.min_interval, 0.0005);
  assert.is(session.max_interval, 0.0005);
  assert.is(session.target_description, "Run of tests/fixtures/programs/basic.js one two {literal}");
  assert.ok(session.sample_count > 0);
});

test("a missing script: one error line, exit code 2", async () => {
  const run = await quick("missing");
  assert.is(run.code, 2);
  assert.is(run.stdout, "");
  assert.is(run.stderr, "pyinstrument: error: program tests/fixtures/programs/no-such-script.js not found\n");
});

test.after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

test.run();

// The command line on bad input: one `pyinstrument: error:` line, exit code 2, no stack trace,
// and no output file (nor a leftover temporary) unless rendering succeeded. Also the choices
// it makes on good input: renderer by file name, `-p` values, --help and --version.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { main } from "../../src/cli/main.ts";
import { applyRenderOption } from "../../src/cli/render-option.ts";
import type { RenderOptions } from "../../src/renderers/index.ts";
import { Session } from "../../src/session/session.ts";

const FIXTURES = new URL("../fixtures/pyinstrument-5.1.2/", import.meta.url).pathname;
const SESSION = FIXTURES + "textproc.pyisession";
const SESSION_TEXT = readFileSync(SESSION, "utf8");
const SESSION_JSON = JSON.parse(SESSION_TEXT);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `main` in this process with stdout and stderr captured. */
async function runCli(args: string[]): Promise<CliResult> {
  const captured = { stdout: "", stderr: "" };
  const decoder = new TextDecoder();
  const capture = (stream: "stdout" | "stderr") =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured[stream] += typeof chunk === "string" ? chunk : decoder.decode(chunk);
      const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof process.stdout.write;
  const originalStdout = process.stdout.write;
  const originalStderr = process.stderr.write;
  process.stdout.write = capture("stdout");
  process.stderr.write = capture("stderr");
  let code: number;
  try {
    code = await main(args);
  } finally {
    process.stdout.write = originalStdout;
    process.stderr.write = originalStderr;
  }
  return { code, ...captured };
}

const scratch = mkdtempSync(join(tmpdir(), "pyinstrument-cli-"));
let scratchCount = 0;

/** A fresh, empty folder for one case. */
function freshDir(): string {
  const dir = join(scratch, String(scratchCount++));
  mkdirSync(dir);
  return dir;
}

/** Writes a session file into its own folder and returns its path. */
function sessionFile(content: string, name = "bad.pyisession"): string {
  const path = join(freshDir(), name);
  writeFileSync(path, content);
  return path;
}

const withSession = (change: (json: Record<string, unknown>) => void) => {
  const json = structuredClone(SESSION_JSON);
  change(json);
  return JSON.stringify(json);
};

/** The single error line the CLI must print, checked in full. */
function assertUsageError(result: CliResult, pattern: RegExp, label: string): void {
  assert.is(result.code, 2, `${label}: exit code (stderr: ${result.stderr})`);
  assert.is(result.stdout, "", `${label}: nothing on stdout`);
  assert.ok(result.stderr.endsWith("\n"), `${label}: stderr ends with a newline: ${JSON.stringify(result.stderr)}`);
  const lines = result.stderr.slice(0, -1).split("\n");
  assert.is(lines.length, 1, `${label}: exactly one line on stderr: ${JSON.stringify(result.stderr)}`);
  assert.ok(lines[0].startsWith("pyinstrument: error: "), `${label}: ${lines[0]}`);
  assert.not.match(result.stderr, /\n\s+at |Error:|\bat .*\.ts:\d+/, `${label}: no stack trace`);
  assert.match(lines[0], pattern, label);
}

// Each case: the arguments before `-o OUT` and what the error line must say.
const BAD_INPUT: Array<[label: string, args: () => string[], message: RegExp]> = [
  ["a missing file", () => ["--load", join(freshDir(), "missing.pyisession")], /missing\.pyisession.*no such file/],
  ["a folder instead of a file", () => ["--load", freshDir()], /can't read .*: is a directory/],
  ["an empty file", () => ["--load", sessionFile("")], /bad\.pyisession is empty/],
  ["a file of blanks", () => ["--load", sessionFile("  \n\n")], /is empty/],
  [
    "a truncated session",
    () => ["--load", sessionFile(SESSION_TEXT.slice(0, SESSION_TEXT.length >> 1))],
    /not valid JSON.*complete/,
  ],
  ["non-JSON", () => ["--load", sessionFile("this is not a profile\n")], /not valid JSON/],
  ["a JSON array", () => ["--load", sessionFile("[1, 2, 3]")], /not a profile: expected a JSON object/],
  ["a JSON string", () => ["--load", sessionFile('"frame_records"')], /not a profile/],
  ["an object without frame_records", () => ["--load", sessionFile('{"start_time": 0}')], /not a profile this tool can read/],
  [
    "frame_records that is not a list",
    () => ["--load", sessionFile(withSession((j) => (j.frame_records = { a: 1 })))],
    /frame_records should be a list/,
  ],
  [
    "a record without its time",
    () => ["--load", sessionFile(withSession((j) => (j.frame_records = [[["a\x00b.py\x001"]]])))],
    /frame_records\[0\] should be a \[stack, seconds\] pair/,
  ],
  [
    "a record whose time is a string",
    () => ["--load", sessionFile(withSession((j) => (j.frame_records = [[["a\x00b.py\x001"], 0.1], [["a"], "0.1"]])))],
    /frame_records\[1\] should be a \[stack, seconds\] pair/,
  ],
  [
    "a record whose stack holds a number",
    () => ["--load", sessionFile(withSession((j) => (j.frame_records = [[["a\x00b.py\x001", 7], 0.1]])))],
    /frame_records\[0\]\[0\]\[1\] should be a string/,
  ],
  [
    "a record with an empty stack",
    () => ["--load", sessionFile(withSession((j) => (j.frame_records = [[[], 0.1]])))],
    /frame_records\[0\] should be a non-empty stack/,
  ],
  ["a missing start_time", () => ["--load", sessionFile(withSession((j) => delete j.start_time))], /start_time should be a number/],
  ["a string duration", () => ["--load", sessionFile(withSession((j) => (j.duration = "1.5")))], /duration should be a number/],
  [
    "a string sample_count",
    () => ["--load", sessionFile(withSession((j) => (j.sample_count = "12")))],
    /sample_count should be a number/,
  ],
  ["a sys_path string", () => ["--load", sessionFile(withSession((j) => (j.sys_path = "/usr/lib")))], /sys_path should be a list of strings/],
  [
    "a missing target_description",
    () => ["--load", sessionFile(withSession((j) => delete j.target_description))],
    /target_description should be a string/,
  ],
  ["an unknown renderer", () => ["--load", SESSION, "-r", "nope"], /unknown renderer 'nope'/],
  ["an unknown render option", () => ["--load", SESSION, "-p", "nope=1"], /unknown option 'nope'/],
  ["an unknown render flag", () => ["--load", SESSION, "-p", "nope"], /unknown option 'nope'/],
  ["a bad time value", () => ["--load", SESSION, "-p", "time=weeks"], /time.*weeks/],
  ["a bad flat_time value", () => ["--load", SESSION, "-p", "flat_time=both"], /flat_time.*both/],
  ["a number for a flag", () => ["--load", SESSION, "-p", "flat=3"], /'flat' should be true or false/],
  ["a bad hide regex", () => ["--load", SESSION, "-p", "processor_options.hide_regex=("], /hide_regex/],
  ["a bad show regex", () => ["--load", SESSION, "--show-regex", "[a-"], /show_regex/],
  ["a non-number threshold", () => ["--load", SESSION, "-p", "processor_options.filter_threshold=lots"], /filter_threshold/],
  ["processor_options not an object", () => ["--load", SESSION, "-p", "processor_options=3"], /processor_options/],
  ["an option for a renderer that takes none", () => ["--load", SESSION, "-r", "pyisession", "-t"], /SessionRenderer.*timeline/],
  ["flat with timeline", () => ["--load", SESSION, "-p", "flat", "-t"], /Cannot use timeline and flat options together/],
  ["an unknown option", () => ["--load", SESSION, "--nope"], /no such option: --nope/],
  ["an unknown short option", () => ["--load", SESSION, "-z"], /no such option: -z/],
  ["a flag given a value", () => ["--load", SESSION, "--show-all=yes"], /--show-all option does not take a value/],
  ["a bad interval", () => ["--load", SESSION, "-i", "soon"], /invalid interval/],
  ["--hide with --hide-regex", () => ["--load", SESSION, "--hide", "*/lib/*", "--hide-regex", ".*lib.*"], /--hide and --hide-regex/],
  ["--show with --show-all", () => ["--load", SESSION, "--show", "*", "--show-all"], /only specify one of --show/],
  ["--show-regex with --show", () => ["--load", SESSION, "--show-regex", ".*", "--show", "*"], /only specify one of --show/],
  ["two things to profile", () => ["--load", SESSION, "script.js"], /only specify one of/],
];

for (const [label, makeArgs, message] of BAD_INPUT) {
  test(`bad input: ${label}`, async () => {
    const outDir = freshDir();
    const out = join(outDir, "report.txt");
    const result = await runCli([...makeArgs(), "-o", out]);
    assertUsageError(result, message, label);
    assert.equal(readdirSync(outDir), [], `${label}: no output and no temporary file`);
  });

  test(`bad input leaves an existing output file alone: ${label}`, async () => {
    const outDir = freshDir();
    const out = join(outDir, "report.txt");
    writeFileSync(out, "the previous report\n");
    const result = await runCli([...makeArgs(), "-o", out]);
    assertUsageError(result, message, label);
    assert.is(readFileSync(out, "utf8"), "the previous report\n");
    assert.equal(readdirSync(outDir), ["report.txt"], `${label}: no temporary file`);
  });
}

test("bad input: an option missing its value", async () => {
  for (const args of [["--load"], ["--load", SESSION, "-o"], ["--load", SESSION, "-r"], ["--load", SESSION, "-p"]]) {
    const result = await runCli(args);
    assertUsageError(result, /option requires 1 argument/, args.join(" "));
  }
});

test("bad input: -o into a folder that doesn't exist", async () => {
  const parent = freshDir();
  const out = join(parent, "no-such-folder", "report.txt");
  const result = await runCli(["--load", SESSION, "-o", out]);
  assertUsageError(result, /can't write .*report\.txt/, "-o into a missing folder");
  assert.not.ok(existsSync(join(parent, "no-such-folder")));
  assert.equal(readdirSync(parent), []);
});

test("bad input: -o below a file", async () => {
  const parent = freshDir();
  writeFileSync(join(parent, "file"), "x");
  const result = await runCli(["--load", SESSION, "-o", join(parent, "file", "report.txt")]);
  assertUsageError(result, /can't write .*report\.txt: not a directory/, "-o below a file");
  assert.equal(readdirSync(parent), ["file"]);
});

test("bad input: -o naming an existing folder", async () => {
  const parent = freshDir();
  const out = join(parent, "report.txt");
  mkdirSync(out);
  writeFileSync(join(out, "keep"), "x");
  const result = await runCli(["--load", SESSION, "-o", out]);
  assertUsageError(result, /can't write .*report\.txt/, "-o naming a folder");
  assert.equal(readdirSync(parent), ["report.txt"], "no temporary file");
  assert.equal(readdirSync(out), ["keep"]);
});

test("no arguments: usage on stderr, exit code 2", async () => {
  const result = await runCli([]);
  assert.is(result.code, 2);
  assert.is(result.stdout, "");
  assert.ok(result.stderr.startsWith("usage: pyinstrument"), result.stderr);
});

// ---------------------------------------------------------------------------
// good input

/** Renders the fixture into `name` in a fresh folder; returns the file's text. */
async function renderTo(name: string, extra: string[] = []): Promise<string> {
  const dir = freshDir();
  const out = join(dir, name);
  const result = await runCli(["--load", SESSION, "-o", out, ...extra]);
  assert.is(result.code, 0, result.stderr);
  assert.is(result.stdout, "");
  assert.is(result.stderr, "");
  assert.equal(readdirSync(dir), [name], "only the output file");
  return readFileSync(out, "utf8");
}

const isText = (output: string) => output.startsWith("\n  _     ._   __/__   _ _  _  _ _/_ ");
const isJSON = (output: string) => "root_frame" in JSON.parse(output);
const isSpeedscope = (output: string) =>
  JSON.parse(output).$schema === "https://www.speedscope.app/file-format-schema.json";

test("-o picks the renderer by file extension", async () => {
  assert.ok(isText(await renderTo("report.txt")));
  assert.ok(isText(await renderTo("REPORT.TXT")));
  assert.ok(isText(await renderTo("report.out")), "unknown extensions get text");
  assert.ok(isJSON(await renderTo("report.json")));
  assert.ok(isJSON(await renderTo("report.JSON")));
  assert.ok(isSpeedscope(await renderTo("report.speedscope.json")));
  assert.ok(isSpeedscope(await renderTo("report.Speedscope.Json")));
  assert.is(await renderTo("copy.pyisession"), SESSION_TEXT, "a .pyisession copy is byte for byte the same");
});

test("-r wins over the file extension", async () => {
  assert.ok(isJSON(await renderTo("report.txt", ["-r", "json"])));
  assert.ok(isText(await renderTo("report.json", ["-r", "text"])));
  const saved = await renderTo("report.txt", ["-r", "session"]);
  const dir = freshDir();
  writeFileSync(join(dir, "s.pyisession"), saved);
  assert.equal(Session.load(join(dir, "s.pyisession")).frameRecords, Session.load(SESSION).frameRecords);
});

test("without -o the report goes to stdout", async () => {
  const result = await runCli(["--load", SESSION, "--no-color"]);
  assert.is(result.code, 0, result.stderr);
  assert.ok(isText(result.stdout));
  assert.is(result.stderr, "");
});

test("-p values: JSON where it parses, else the string; a bare name is true", () => {
  const options: RenderOptions = {};
  applyRenderOption(options, "flat");
  applyRenderOption(options, "time=percent_of_total");
  applyRenderOption(options, "count=3");
  applyRenderOption(options, "ratio=1e-3");
  applyRenderOption(options, "on=true");
  applyRenderOption(options, "nothing=null");
  applyRenderOption(options, 'quoted="42"');
  applyRenderOption(options, "list=[1, 2]");
  applyRenderOption(options, 'object={"a": {"b": false}}');
  applyRenderOption(options, "empty=");
  applyRenderOption(options, "equation=a=b");
  applyRenderOption(options, "almost=[1,");
  assert.equal(options, {
    flat: true,
    time: "percent_of_total",
    count: 3,
    ratio: 0.001,
    on: true,
    nothing: null,
    quoted: "42",
    list: [1, 2],
    object: { a: { b: false } },
    empty: "",
    equation: "a=b",
    almost: "[1,",
  });
});

test("-p dotted keys reach into nested options, keeping their siblings", () => {
  const options: RenderOptions = { processor_options: { hide_regex: ".*lib.*", show_regex: null } };
  applyRenderOption(options, "processor_options.filter_threshold=0");
  applyRenderOption(options, "a.b.c=x");
  applyRenderOption(options, "a.b.d");
  assert.equal(options, {
    processor_options: { hide_regex: ".*lib.*", show_regex: null, filter_threshold: 0 },
    a: { b: { c: "x", d: true } },
  });
  assert.throws(() => applyRenderOption({ time: "seconds" }, "time.unit=s"), /not a group of options/);
  assert.throws(() => applyRenderOption({}, "a..b=1"), /invalid render option/);
});

test("-p options change the report", async () => {
  const plain = await renderTo("plain.txt", ["--no-color"]);
  const percent = await renderTo("percent.txt", ["--no-color", "-p", "time=percent_of_total"]);
  assert.ok(/^100\.0% /m.test(percent), percent);
  assert.not.ok(/^100\.0% /m.test(plain));
  const everything = await renderTo("all.txt", ["--no-color", "-p", "processor_options.filter_threshold=0"]);
  assert.ok(everything.split("\n").length > plain.split("\n").length);
  const flat = await renderTo("flat.txt", ["--no-color", "-p", "flat"]);
  assert.not.ok(flat.includes("├─") || flat.includes("|- "));
});

test("--help prints usage and exits 0", async () => {
  for (const flag of ["--help", "-h"]) {
    const result = await runCli([flag]);
    assert.is(result.code, 0);
    assert.ok(result.stdout.startsWith("usage: pyinstrument [options] scriptfile [arg] ..."), result.stdout);
    assert.ok(result.stdout.includes("--load"));
    assert.ok(result.stdout.includes("-p RENDER_OPTION"));
    assert.is(result.stderr, "");
  }
});

test("--version prints the version and the runtime", async () => {
  const result = await runCli(["--version"]);
  assert.is(result.code, 0);
  assert.match(result.stdout, /^pyinstrument \d+\.\d+\.\d+\S*, on (Node|Deno|Bun) \S+\n$/);
  assert.is(result.stderr, "");
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.run();

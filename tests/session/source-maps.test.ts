// Source maps: hand-made scripts and maps for each rule of finding, loading and reading a map;
// the importer's use of them; and real `--cpu-prof` profiles of an esbuild bundle of TypeScript
// (tests/fixtures/sourcemaps) on the current runtime, in each way a script leads to its map.
import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { sessionToCpuprofile } from "../../src/session/export/cpuprofile.ts";
import { importCpuprofile, type CpuprofileImportOptions } from "../../src/session/import/cpuprofile.ts";
import type { ImportedSession } from "../../src/session/import/pyisession.ts";
import { type OriginalPosition, SourceMapResolver } from "../../src/session/import/source-maps.ts";
import type { SampleData } from "../../src/session/samples.ts";
import { Session } from "../../src/session/session.ts";
import { readable, readableStacks } from "../support/readable-stacks.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = join(REPO, "tests", "fixtures", "sourcemaps");
const THREAD = "main:<thread>:0";
const scratch = mkdtempSync(join(tmpdir(), "pyinstrument-sourcemaps-"));
let scratchCount = 0;

// ---------------------------------------------------------------------------
// helpers

type Json = Record<string, unknown>;
/** [generated column, source, original line, original column, name?], all 0-based and absolute; or an unmapped [column]. */
type Segment = [number, number, number, number, number?] | [number];

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function vlq(value: number): string {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1;
  let out = "";
  do {
    let digit = rest & 31;
    rest >>>= 5;
    if (rest > 0) digit |= 32;
    out += BASE64[digit];
  } while (rest > 0);
  return out;
}

/** The `mappings` string of segments by generated line (the spec's relative VLQ encoding). */
function encodeMappings(lines: Segment[][]): string {
  let source = 0;
  let line = 0;
  let column = 0;
  let name = 0;
  return lines.map((segments) => {
    let generated = 0;
    return segments.map((segment) => {
      const genColumn = segment[0];
      if (segment.length === 1) {
        const out = vlq(genColumn - generated);
        generated = genColumn;
        return out;
      }
      const [, src, srcLine, srcColumn, nameIndex] = segment;
      let out = vlq(genColumn - generated) + vlq(src - source) + vlq(srcLine - line) + vlq(srcColumn - column);
      generated = genColumn;
      source = src;
      line = srcLine;
      column = srcColumn;
      if (nameIndex !== undefined) {
        out += vlq(nameIndex - name);
        name = nameIndex;
      }
      return out;
    }).join(",");
  }).join(";");
}

/** A fresh directory for one test's files. */
function freshDir(): string {
  const dir = join(scratch, `case-${scratchCount++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function write(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

// The generated script of the hand-made tests, and where V8 would put each function:
//   line 1: `function a(b){return b}`   a: column 10, the `(`
//   line 2: `var c=d=>d;`               c: column 6, its parameter (no parentheses)
//   line 3: `x(function(){});`          the anonymous function: column 10; mapped from column 2 on
//   line 4: `  gap();`                  only an unmapped segment
const GENERATED = ["// generated", "function a(b){return b}", "var c=d=>d;", "x(function(){});", "  gap();"].join("\n") + "\n";
const POSITION_A: [number, number, string] = [1, 10, "a"];
const POSITION_C: [number, number, string] = [2, 6, "c"];

/** A map of GENERATED from `sources[0]` (original lines: a 5, c 10, the anonymous function 20). */
function handMap(extra: Json = {}): Json {
  return {
    version: 3,
    sources: ["../src/orig.ts"],
    names: ["original", "param", "arrowName"],
    mappings: encodeMappings([
      [],
      [[0, 0, 4, 0], [9, 0, 4, 16, 0], [11, 0, 4, 25, 1]],
      [[4, 0, 9, 13, 2], [6, 0, 9, 20, 1]],
      [[2, 0, 19, 0]],
      [[0]],
    ]),
    ...extra,
  };
}

const base64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

function resolve(script: string, [line, column, name]: [number, number, string], resolver = new SourceMapResolver()): OriginalPosition | null {
  return resolver.originalPosition(script, line, column, name);
}

const stacksOf = readableStacks;

function callFrameNode(id: number, functionName: string, url: string, lineNumber: number, columnNumber: number, children?: number[]): Json {
  const result: Json = { id, callFrame: { functionName, scriptId: "1", url, lineNumber, columnNumber }, hitCount: 0 };
  if (children) result.children = children;
  return result;
}

/** A profile: (root) > module > a > [c, anonymous], one 1 ms sample in each function. */
function handProfile(script: string): Json {
  const url = pathToFileURL(script).href;
  return {
    nodes: [
      callFrameNode(1, "(root)", "", -1, -1, [2]),
      callFrameNode(2, "", url, 0, 0, [3]),
      callFrameNode(3, "a", url, 1, 10, [4, 5]),
      callFrameNode(4, "c", url, 2, 6),
      callFrameNode(5, "", url, 3, 10),
    ],
    startTime: 0,
    endTime: 4000,
    samples: [3, 4, 5, 2],
    timeDeltas: [0, 1000, 1000, 1000],
  };
}

function importJson(json: Json, options?: CpuprofileImportOptions): ImportedSession {
  return importCpuprofile(json, "hand.cpuprofile", options);
}

// ---------------------------------------------------------------------------
// finding the map

test("inline map: a base64 data: URL, sources relative to the script", () => {
  const dir = freshDir();
  const script = write(join(dir, "out", "gen.js"), `${GENERATED}//# sourceMappingURL=data:application/json;charset=utf-8;base64,${base64(JSON.stringify(handMap()))}\n`);
  const original = join(dir, "src", "orig.ts");
  assert.equal(resolve(script, POSITION_A), { file: original, line: 5, name: "original" });
  assert.equal(resolve(script, POSITION_C), { file: original, line: 10, name: "arrowName" });
});

test("inline map: a percent-encoded data: URL", () => {
  const dir = freshDir();
  const script = write(join(dir, "out", "gen.js"), `${GENERATED}//# sourceMappingURL=data:application/json,${encodeURIComponent(JSON.stringify(handMap()))}`);
  assert.equal(resolve(script, POSITION_A), { file: join(dir, "src", "orig.ts"), line: 5, name: "original" });
});

test("a sibling .map without a comment", () => {
  const dir = freshDir();
  const script = write(join(dir, "out", "gen.js"), GENERATED);
  write(`${script}.map`, JSON.stringify(handMap()));
  assert.equal(resolve(script, POSITION_A), { file: join(dir, "src", "orig.ts"), line: 5, name: "original" });
});

test("sourceMappingURL: a relative path, an absolute path, a file: URL (sources relative to the map)", () => {
  const dir = freshDir();
  // The map in maps/deep/: its `../src/orig.ts` is maps/src/orig.ts, not the script's ../src.
  const mapPath = write(join(dir, "maps", "deep", "gen.js.map"), JSON.stringify(handMap()));
  const expected = { file: join(dir, "maps", "src", "orig.ts"), line: 5, name: "original" };
  for (const [name, reference] of [
    ["relative.js", "../maps/deep/gen.js.map"],
    ["absolute.js", mapPath],
    ["url.js", pathToFileURL(mapPath).href],
  ]) {
    const script = write(join(dir, "out", name), `${GENERATED}//# sourceMappingURL=${reference}\n`);
    assert.equal(resolve(script, POSITION_A), expected, name);
  }
  // URL-encoded characters in a relative reference are decoded.
  write(join(dir, "out", "a map.js.map"), JSON.stringify(handMap()));
  const spaced = write(join(dir, "out", "spaced.js"), `${GENERATED}//# sourceMappingURL=a%20map.js.map\n`);
  assert.equal(resolve(spaced, POSITION_A), { file: join(dir, "src", "orig.ts"), line: 5, name: "original" });
});

test("sources: sourceRoot, absolute paths, file: URLs; webpack:// names stay as they are", () => {
  const dir = freshDir();
  const cases: [Json, string][] = [
    [{ sourceRoot: "../lib/", sources: ["orig.ts"] }, join(dir, "lib", "orig.ts")],
    [{ sourceRoot: pathToFileURL(join(dir, "root")).href + "/", sources: ["x/orig.ts"] }, join(dir, "root", "x", "orig.ts")],
    [{ sources: [join(dir, "abs", "orig.ts")] }, join(dir, "abs", "orig.ts")],
    [{ sources: [pathToFileURL(join(dir, "url", "orig.ts")).href] }, join(dir, "url", "orig.ts")],
    [{ sources: ["webpack://app/src/orig.ts"] }, "webpack://app/src/orig.ts"],
  ];
  cases.forEach(([fields, file], i) => {
    const script = write(join(dir, "out", `gen${i}.js`), GENERATED);
    write(`${script}.map`, JSON.stringify(handMap(fields)));
    assert.equal(resolve(script, POSITION_A), { file, line: 5, name: "original" }, JSON.stringify(fields));
  });
});

test("the comment counts only after the last code: later comments are fine, code after it is not", () => {
  const dir = freshDir();
  write(join(dir, "out", "good.js.map"), JSON.stringify(handMap()));
  const expected = { file: join(dir, "src", "orig.ts"), line: 5, name: "original" };
  const variants: [string, string, boolean][] = [
    ["later-comments.js", `${GENERATED}//# sourceMappingURL=good.js.map\n// trailing note\n\n//# sourceURL=x\n`, true],
    ["legacy-at.js", `${GENERATED}//@ sourceMappingURL=good.js.map`, true],
    ["block.js", `${GENERATED}/*# sourceMappingURL=good.js.map */\r\n`, true],
    ["code-after.js", `${GENERATED}//# sourceMappingURL=good.js.map\nconsole.log(1);\n`, false],
    ["in-a-string.js", `${GENERATED}const s = "//# sourceMappingURL=good.js.map";\n`, false],
  ];
  for (const [name, text, mapped] of variants) {
    const script = write(join(dir, "out", name), text);
    assert.equal(resolve(script, POSITION_A), mapped ? expected : null, name);
  }
});

test("long last lines: an inline map is found whole; long minified code is no comment", () => {
  const dir = freshDir();
  const big = handMap({ sourcesContent: ["x".repeat(200_000)] });
  const script = write(join(dir, "out", "gen.js"), `${GENERATED}//# sourceMappingURL=data:application/json;base64,${base64(JSON.stringify(big))}\n// after\n`);
  assert.equal(resolve(script, POSITION_A), { file: join(dir, "src", "orig.ts"), line: 5, name: "original" });
  // A 200 kB line of code (the end of a minified bundle) with a sibling map: the sibling counts.
  const minified = write(join(dir, "out", "min.js"), `${GENERATED}${"var x=function(){return 1};".repeat(8000)}\n`);
  write(`${minified}.map`, JSON.stringify(handMap()));
  assert.equal(resolve(minified, POSITION_A), { file: join(dir, "src", "orig.ts"), line: 5, name: "original" });
});

test("index maps (sections) are flattened", () => {
  const dir = freshDir();
  const script = write(join(dir, "out", "gen.js"), GENERATED);
  const inner = handMap();
  const shifted = { ...inner, mappings: (inner.mappings as string).split(";").slice(1).join(";") };
  write(`${script}.map`, JSON.stringify({ version: 3, sections: [{ offset: { line: 1, column: 0 }, map: shifted }] }));
  assert.equal(resolve(script, POSITION_A), { file: join(dir, "src", "orig.ts"), line: 5, name: "original" });
});

// ---------------------------------------------------------------------------
// reading the map

test("positions: the mapping at or before, else the first after; unmapped gives null", () => {
  const dir = freshDir();
  const script = write(join(dir, "out", "gen.js"), GENERATED);
  write(`${script}.map`, JSON.stringify(handMap()));
  const resolver = new SourceMapResolver();
  const file = join(dir, "src", "orig.ts");
  assert.equal(resolver.originalPosition(script, 3, 10, ""), { file, line: 20 }); // at or before
  assert.equal(resolver.originalPosition(script, 3, 0, ""), { file, line: 20 }); // before the first: after
  assert.is(resolver.originalPosition(script, 4, 2, "gap"), null); // an unmapped segment
  assert.is(resolver.originalPosition(script, 0, 0, ""), null); // a line without mappings
  assert.is(resolver.originalPosition(script, 99, 0, ""), null); // past the end
  assert.is(resolver.originalPosition(script, -1, -1, ""), null);
});

test("names: only from the mapping of the function's own name token", () => {
  const dir = freshDir();
  const script = write(join(dir, "out", "gen.js"), GENERATED);
  write(`${script}.map`, JSON.stringify(handMap()));
  const file = join(dir, "src", "orig.ts");
  const resolver = new SourceMapResolver();
  // c's position is its parameter, whose mapping is named `param`: the name is the token `c`'s.
  assert.equal(resolver.originalPosition(script, 2, 6, "c"), { file, line: 10, name: "arrowName" });
  // A name the runtime gave that is not the token there: no rename is known.
  assert.equal(new SourceMapResolver().originalPosition(script, 1, 10, "a.b"), { file, line: 5 });
  // An anonymous function takes no name from a mapping nearby.
  assert.equal(new SourceMapResolver().originalPosition(script, 1, 10, ""), { file, line: 5 });
  // Unnamed mappings (no minification): no name, the runtime's stays.
  const plain = write(join(dir, "out", "plain.js"), GENERATED);
  write(`${plain}.map`, JSON.stringify({ ...handMap(), names: [], mappings: encodeMappings([[], [[0, 0, 4, 0], [9, 0, 4, 16]]]) }));
  assert.equal(resolve(plain, POSITION_A), { file, line: 5 });
});

test("failures give null, never an error", () => {
  const dir = freshDir();
  const scripts: [string, string][] = [
    ["missing map named by the comment", `${GENERATED}//# sourceMappingURL=nowhere.js.map\n`],
    ["broken JSON", `${GENERATED}//# sourceMappingURL=broken.js.map\n`],
    ["not a map", `${GENERATED}//# sourceMappingURL=notmap.js.map\n`],
    ["garbage mappings", `${GENERATED}//# sourceMappingURL=garbage.js.map\n`],
    ["a directory", `${GENERATED}//# sourceMappingURL=folder\n`],
    ["an http URL", `${GENERATED}//# sourceMappingURL=https://example.com/gen.js.map\n`],
    ["a malformed data: URL", `${GENERATED}//# sourceMappingURL=data:application/json;base64\n`],
    ["a bad percent-encoding", `${GENERATED}//# sourceMappingURL=data:application/json,%E0%A4%A\n`],
    ["no map at all", GENERATED],
    ["an empty file", ""],
  ];
  write(join(dir, "out", "broken.js.map"), "{ not json");
  write(join(dir, "out", "notmap.js.map"), JSON.stringify({ hello: "world" }));
  write(join(dir, "out", "garbage.js.map"), JSON.stringify({ ...handMap(), mappings: "!!!;@@@,###" }));
  mkdirSync(join(dir, "out", "folder"), { recursive: true });
  scripts.forEach(([what, text], i) => {
    const script = write(join(dir, "out", `gen${i}.js`), text);
    const resolver = new SourceMapResolver();
    assert.is(resolver.originalPosition(script, 1, 10, "a"), null, what);
    assert.is(resolver.hasMap(script), what === "garbage mappings", what); // it loads, maps nothing
  });
  assert.is(resolve(join(dir, "missing.js"), POSITION_A), null);
  assert.is(resolve(join(dir, "out"), POSITION_A), null); // a directory as script
});

test("size limit: scripts and maps over maxBytes are not read", () => {
  const dir = freshDir();
  const script = write(join(dir, "out", "gen.js"), GENERATED);
  const mapText = JSON.stringify(handMap());
  write(`${script}.map`, mapText);
  assert.ok(new SourceMapResolver({ maxBytes: mapText.length }).hasMap(script));
  assert.not.ok(new SourceMapResolver({ maxBytes: mapText.length - 1 }).hasMap(script));
  assert.not.ok(new SourceMapResolver({ maxBytes: GENERATED.length - 1 }).hasMap(script));
});

test("cache: each script's map (or its absence) is loaded once per resolver", () => {
  const dir = freshDir();
  const script = write(join(dir, "out", "gen.js"), GENERATED);
  const mapPath = write(`${script}.map`, JSON.stringify(handMap()));
  const later = write(join(dir, "out", "later.js"), GENERATED);
  const resolver = new SourceMapResolver();
  assert.ok(resolve(script, POSITION_A, resolver));
  assert.is(resolve(later, POSITION_A, resolver), null);
  rmSync(mapPath);
  write(`${later}.map`, JSON.stringify(handMap()));
  assert.ok(resolve(script, POSITION_C, resolver)); // still the loaded map
  assert.is(resolve(later, POSITION_C, resolver), null); // still "no map"
  assert.ok(resolve(later, POSITION_C)); // a new resolver reads again
});

// ---------------------------------------------------------------------------
// the importer

test("import: functions take original files, lines and names; the module keeps the script", () => {
  const dir = freshDir();
  const script = write(join(dir, "out", "gen.js"), GENERATED);
  write(`${script}.map`, JSON.stringify(handMap()));
  const original = join(dir, "src", "orig.ts");
  const module = `${THREAD} > <module>:${script}:1`;
  const mapped = [
    `${module} > original:${original}:5`,
    `${module} > original:${original}:5 > arrowName:${original}:10`,
    `${module} > original:${original}:5 > (anonymous):${original}:20`,
    module,
  ];
  const imported = importJson(handProfile(script));
  assert.equal(stacksOf(imported.samples).map(([stack]) => stack), mapped);
  assert.equal(imported.metadata.sysPath, [dir]); // the script's and the original's directories
  const generated = [
    `${module} > a:${script}:2`,
    `${module} > a:${script}:2 > c:${script}:3`,
    `${module} > a:${script}:2 > (anonymous):${script}:4`,
    module,
  ];
  const off = importJson(handProfile(script), { sourceMaps: false });
  assert.equal(stacksOf(off.samples).map(([stack]) => stack), generated);
  assert.equal(off.metadata.sysPath, [join(dir, "out")]);
});

test("import: generated functions from one original function become one frame", () => {
  const dir = freshDir();
  const script = write(join(dir, "out", "gen.js"), GENERATED);
  // Two copies of `a` (lines 1 and 3, as a bundler may duplicate code) from orig.ts line 5.
  write(`${script}.map`, JSON.stringify({ ...handMap(), names: [], mappings: encodeMappings([[], [[9, 0, 4, 16]], [], [[2, 0, 4, 16]]]) }));
  const url = pathToFileURL(script).href;
  const profile = {
    nodes: [
      callFrameNode(1, "(root)", "", -1, -1, [2]),
      callFrameNode(2, "", url, 0, 0, [3, 4]),
      callFrameNode(3, "a", url, 1, 10),
      callFrameNode(4, "a", url, 3, 10),
    ],
    startTime: 0,
    endTime: 2000,
    samples: [3, 4],
    timeDeltas: [0, 1000],
  };
  const { samples } = importJson(profile);
  assert.is(samples.sampleStack[0], samples.sampleStack[1]);
  assert.equal(stacksOf(samples)[0][0], `${THREAD} > <module>:${script}:1 > a:${join(dir, "src", "orig.ts")}:5`);
  assert.is(importJson(profile, { sourceMaps: false }).samples.frames.frameInfos.length, samples.frames.frameInfos.length + 1);
});

test("import: missing, broken and non-file scripts keep the generated positions", () => {
  const dir = freshDir();
  const broken = write(join(dir, "out", "gen.js"), `${GENERATED}//# sourceMappingURL=gen.js.map\n`);
  write(`${broken}.map`, "{");
  for (const url of [pathToFileURL(join(dir, "missing.js")).href, pathToFileURL(broken).href, "https://example.com/gen.js", "node:internal/gen"]) {
    const profile = handProfile(join(dir, "placeholder.js"));
    for (const item of profile.nodes as Json[]) {
      const callFrame = item.callFrame as Json;
      if (callFrame.url !== "") callFrame.url = url;
    }
    const expected = stacksOf(importJson(profile, { sourceMaps: false }).samples);
    assert.equal(stacksOf(importJson(profile).samples), expected, url);
  }
});

test("import: profiles written by this tool are not mapped again", () => {
  const dir = freshDir();
  const script = write(join(dir, "out", "gen.js"), GENERATED);
  write(`${script}.map`, JSON.stringify(handMap()));
  const imported = importJson(handProfile(script));
  const exported = JSON.parse(JSON.stringify(sessionToCpuprofile(new Session(imported.metadata, imported.samples)))) as Json;
  // Were the map applied again, the original lines would be read as positions in gen.js.
  write(join(dir, "src", "orig.ts"), `${GENERATED}//# sourceMappingURL=../out/gen.js.map\n`);
  const again = importJson(exported);
  assert.equal(stacksOf(again.samples), stacksOf(imported.samples));
});

// ---------------------------------------------------------------------------
// real profiles of the esbuild fixture

const isDeno = "Deno" in globalThis;
const isBun = "Bun" in globalThis;
const RUNTIME = isDeno ? "deno" : isBun ? "bun" : "node";
const VARIANTS = ["inline", "sibling", "linked"] as const;
type Variant = (typeof VARIANTS)[number];

/** On Node, the fixtures rebuilt in a temp dir by build.mjs; elsewhere (no esbuild), the committed ones. */
let fixtureRoot: Promise<string> | null = null;
function fixtures(): Promise<string> {
  fixtureRoot ??= (async () => {
    if (RUNTIME !== "node") return FIXTURES;
    const root = join(scratch, "fixture");
    cpSync(join(FIXTURES, "src"), join(root, "src"), { recursive: true });
    const build = (await import(pathToFileURL(join(FIXTURES, "build.mjs")).href)) as { buildFixtures(root: string): void };
    build.buildFixtures(root);
    return root;
  })();
  return fixtureRoot;
}

const PROFILE_ARGS = { node: ["--cpu-prof"], deno: ["run", "-A", "--cpu-prof"], bun: ["--cpu-prof"] };

/** Runs a variant's bundle under `--cpu-prof` on this runtime and reads the profile. */
function record(root: string, variant: Variant): Promise<{ json: Json; path: string }> {
  const dir = join(scratch, `profile-${variant}`);
  const args = [...PROFILE_ARGS[RUNTIME], `--cpu-prof-dir=${dir}`, join(root, variant, "bundle.js")];
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: root, timeout: 60_000 }, (error, _stdout, stderr) => {
      if (error) return reject(new Error(`${RUNTIME} --cpu-prof failed: ${error.message}\n${stderr}`));
      const names = readdirSync(dir).filter((name) => name.endsWith(".cpuprofile"));
      if (names.length !== 1) return reject(new Error(`${RUNTIME} wrote ${names.length} profiles in ${dir}`));
      const path = join(dir, names[0]);
      resolve({ json: JSON.parse(readFileSync(path, "utf8")) as Json, path });
    });
  });
}

function lineOf(file: string, text: string): number {
  return readFileSync(file, "utf8").split("\n").findIndex((line) => line.includes(text)) + 1;
}

if (RUNTIME === "node") {
  test("fixtures: build.mjs makes exactly the committed bundles and maps", async () => {
    const root = await fixtures();
    for (const file of ["inline/bundle.js", "sibling/bundle.js", "sibling/bundle.js.map", "linked/bundle.js", "maps/bundle.js.map"]) {
      const fresh = readFileSync(join(root, file), "utf8");
      assert.ok(fresh === readFileSync(join(FIXTURES, file), "utf8"), `${file} is stale: run node tests/fixtures/sourcemaps/build.mjs`);
    }
  });
}

for (const variant of VARIANTS) {
  test(`${RUNTIME} --cpu-prof of a bundle (${variant} map): original TypeScript files, lines and names`, async () => {
    const root = await fixtures();
    const { json, path } = await record(root, variant);
    const { metadata, samples } = importCpuprofile(json, path);
    const work = join(root, "src", "work.ts");
    const bundle = join(root, variant, "bundle.js");
    const at = (text: string): string => `${work}:${lineOf(work, text)}`;
    const functions = {
      busyWait: at("export function busyWait("),
      outerWork: at("export function outerWork("),
      arrowWork: at("export const arrowWork ="),
      crunch: at("crunch(): number"),
    };
    // Deno applies the maps that a comment names itself (so only the sibling map is left to this
    // importer), and keeps the generated names: minified ones stay minified.
    const denoMapped = RUNTIME === "deno" && variant !== "sibling";
    const namesKept = !(denoMapped && variant === "inline");
    const frameInfos = samples.frames.frameInfos.map(readable);
    // (With minified names, Deno's top level is an anonymous function at busyWait's line: skipped.)
    const frameAt = (name: string, position: string): string | undefined =>
      frameInfos.find((info) =>
        namesKept ? info === `${name}:${position}` : info.endsWith(`:${position}`) && !info.startsWith("(anonymous):")
      );
    for (const [name, position] of Object.entries(functions)) {
      assert.ok(frameAt(name, position), `${name}:${position} in ${frameInfos.filter((info) => info.includes(root)).join(", ")}`);
    }
    // Only the top level is left in the bundle; Deno, mapping the inline map itself, moves it too.
    const inBundle = frameInfos.filter((info) => info.includes(bundle));
    assert.equal(inBundle, denoMapped && variant === "inline" ? [] : [`<module>:${bundle}:1`]);
    assert.equal(metadata.sysPath, [denoMapped && variant === "inline" ? join(root, "src") : root]);

    // Each caller's ~100 ms is spent in busyWait below it.
    const busyWait = frameAt("busyWait", functions.busyWait) as string;
    for (const caller of ["outerWork", "arrowWork", "crunch"] as const) {
      const frame = frameAt(caller, functions[caller]) as string;
      let seconds = 0;
      for (const [stack, weight] of stacksOf(samples)) if (stack.includes(`${frame} > ${busyWait}`)) seconds += weight;
      assert.ok(seconds >= 0.02 && seconds <= 1, `${caller} > busyWait: ${seconds} s`);
    }
  });
}

test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.run();

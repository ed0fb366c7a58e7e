// Chrome .cpuprofile import and export: real profiles from each runtime's own `--cpu-prof`, small
// hand-written profiles for every rule (exact stacks and weights), round trips, and shape errors.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cwd } from "node:process";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { serializeCpuprofile, sessionToCpuprofile, type CpuprofileNode } from "../../src/session/export/cpuprofile.ts";
import { frameInfoOfCallFrame, importCpuprofile, type CpuprofileImportOptions } from "../../src/session/import/cpuprofile.ts";
import type { ImportedSession } from "../../src/session/import/pyisession.ts";
import type { SampleData } from "../../src/session/samples.ts";
import { Session } from "../../src/session/session.ts";
import { UserError } from "../../src/util/files.ts";
import { readable, readableStacks } from "../support/readable-stacks.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = join(REPO, "tests", "fixtures", "cpuprofile");
const BUSY_JS = join(FIXTURES, "busy.js");
const BUSY_TS = join(FIXTURES, "busy.ts");
const THREAD = "main:<thread>:0";

// ---------------------------------------------------------------------------
// helpers

type Json = Record<string, unknown>;

/** Each sample as [readable stack, weight in µs (rounded)]. */
function stacksOf(samples: SampleData): [string, number][] {
  return readableStacks(samples).map(([stack, seconds]) => [stack, Math.round(seconds * 1e6)]);
}

/** Each sample's stack and its end time in µs from the first sample, rounded: exact to the µs. */
function timeline(samples: SampleData): { stacks: string[]; ends: number[] } {
  const stacks: string[] = [];
  const ends: number[] = [];
  let elapsed = 0;
  for (const [stack] of stacksOf(samples)) stacks.push(stack);
  for (let i = 0; i < samples.sampleWeight.length; i++) {
    elapsed += samples.sampleWeight[i];
    ends.push(Math.round(elapsed * 1e6));
  }
  return { stacks, ends };
}

/** Seconds of the samples whose readable stack satisfies `match`. */
function secondsWhere(samples: SampleData, match: (stack: string) => boolean): number {
  let total = 0;
  stacksOf(samples).forEach(([stack, micros]) => (total += match(stack) ? micros / 1e6 : 0));
  return total;
}

function node(id: number, functionName: string, url = "", lineNumber = -1, columnNumber = -1, children?: number[]): Json {
  const result: Json = { id, callFrame: { functionName, scriptId: "0", url, lineNumber, columnNumber }, hitCount: 0 };
  if (children) result.children = children;
  return result;
}

function importJson(json: Json, source = "hand.cpuprofile", options?: CpuprofileImportOptions): ImportedSession {
  return importCpuprofile(json, source, options);
}

function roundTrip(imported: ImportedSession, keepSessionInfo: boolean): ImportedSession {
  const exported = JSON.parse(serializeCpuprofile(new Session(imported.metadata, imported.samples))) as Json;
  if (!keepSessionInfo) delete exported.pyinstrument;
  return importJson(exported, "exported.cpuprofile");
}

function assertSameTimeline(actual: SampleData, expected: SampleData): void {
  const a = timeline(actual);
  const e = timeline(expected);
  assert.equal(a.stacks, e.stacks);
  assert.equal(a.ends, e.ends);
}

function throwsUserError(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    assert.instance(error, UserError);
    assert.match((error as Error).message, /^hand\.cpuprofile is not a valid \.cpuprofile: /);
    assert.match((error as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected an error matching ${pattern}`);
}

// ---------------------------------------------------------------------------
// hand-written profiles

/** A V8-style profile: special root children, a module, node: and native frames, a GC run. */
function v8Profile(): Json {
  return {
    nodes: [
      node(1, "(root)", "", -1, -1, [2, 3, 4, 5, 6]),
      node(2, "(program)"),
      node(3, "(idle)"),
      node(4, "(garbage collector)"),
      node(5, "", "file:///app/main.js", 0, 0, [7]),
      node(6, "", "file:///app/lib/util.js", 7, 20),
      node(7, "foo", "file:///app/main.js", 4, 12, [8, 9]),
      node(8, "bar", "node:internal/x", 10, 3),
      node(9, ""),
    ],
    startTime: 5_000_000,
    endTime: 5_000_000 + 100 + 1000 * 8 - 5 + 1005 + 700,
    samples: [4, 7, 4, 4, 2, 8, 3, 4, 9, 6, 2],
    timeDeltas: [100, 1000, 1000, 1000, 1000, 1000, -5, 1005, 1000, 1000, 1000],
  };
}

const V8_STACKS: [string, number][] = [
  [`${THREAD} > [gc]`, 1000], // GC with no previous sample: under the thread root
  [`${THREAD} > <module>:/app/main.js:1 > foo:/app/main.js:5`, 1000],
  [`${THREAD} > <module>:/app/main.js:1 > foo:/app/main.js:5 > [gc]`, 1000],
  [`${THREAD} > <module>:/app/main.js:1 > foo:/app/main.js:5 > [gc]`, 1000], // still foo's
  [`${THREAD} > <module>:/app/main.js:1 > foo:/app/main.js:5 > [native]`, 1000],
  [`${THREAD} > <module>:/app/main.js:1 > foo:/app/main.js:5 > bar:node:internal/x:11`, 0], // negative delta
  [`${THREAD} > [idle]`, 1005],
  [`${THREAD} > [gc]`, 1000], // after idle: no JS stack to charge
  [`${THREAD} > <module>:/app/main.js:1 > foo:/app/main.js:5 > (anonymous):<native>:0`, 1000],
  [`${THREAD} > (anonymous):/app/lib/util.js:8`, 1000], // unnamed at column 20: not a module
  [`${THREAD} > (anonymous):/app/lib/util.js:8 > [native]`, 700], // last sample: until endTime
];

/** A Bun-style profile: epoch µs, no special nodes, doubled async frames, an idle gap. */
function bunProfile(): Json {
  const start = 1_700_000_000_000_000;
  return {
    nodes: [
      node(1, "(root)", "", -1, -1, [2, 6]),
      node(2, "(module)", "file:///b/x.ts", 5, 0, [3]),
      node(3, "outer", "file:///b/x.ts", 9, 20, [4]),
      node(4, "outer", "file:///b/x.ts", 9, 38, [5]), // the doubled async frame
      node(5, "work", "file:///b/x.ts", 2, 17, [7]),
      node(7, "work", "file:///b/x.ts", 2, 17), // recursion: same column, kept
      node(6, "rec", "file:///b/x.ts", 12, 10, [8]),
      node(8, "rec", "file:///b/x.ts", 12, 30, [9]),
      node(9, "rec", "file:///b/x.ts", 12, 10, [10]), // an async recursion: rec>rec, each doubled
      node(10, "rec", "file:///b/x.ts", 12, 30),
    ],
    startTime: start,
    endTime: start + 500 + 1000 + 1000 + 30000 + 1000 + 1000,
    samples: [5, 7, 5, 10, 5],
    timeDeltas: [500, 1000, 1000, 30000, 1000],
  };
}

const BUN_WORK = `${THREAD} > <module>:/b/x.ts:1 > outer:/b/x.ts:10 > work:/b/x.ts:3`;
const BUN_STACKS: [string, number][] = [
  [BUN_WORK, 1000],
  [`${BUN_WORK} > work:/b/x.ts:3`, 1000],
  [BUN_WORK, 1000], // a 30 ms delta at a 1 ms interval: 1 ms of work...
  [`${THREAD} > [idle]`, 29000], // ...and the rest idle
  [`${THREAD} > rec:/b/x.ts:13 > rec:/b/x.ts:13`, 1000],
  [BUN_WORK, 1000],
];

test("V8 rules: frames, GC/program/idle attribution, weights", () => {
  const { samples } = importJson(v8Profile());
  assert.equal(stacksOf(samples), V8_STACKS);
});

test("V8 metadata", () => {
  const { metadata } = importJson(v8Profile());
  const duration = (100 + 1000 * 8 - 5 + 1005 + 700) / 1e6;
  assert.equal(metadata.startTime, 0); // a monotonic clock, no hint in the file name
  assert.ok(Math.abs(metadata.duration - duration) < 1e-12);
  assert.ok(Math.abs(metadata.cpuTime - (duration - 0.001005)) < 1e-12);
  assert.is(metadata.minInterval, 0.001);
  assert.is(metadata.maxInterval, 0.001);
  assert.is(metadata.sampleCount, 11);
  assert.equal(metadata.startCallStack, ["main\x00<thread>\x000"]);
  assert.is(metadata.targetDescription, "Profile from hand.cpuprofile");
  assert.equal(metadata.sysPath, ["/app"]);
  assert.equal(metadata.sysPrefixes, []);
  assert.is(importJson(v8Profile(), "x/hand.cpuprofile", { startTime: 1234.5 }).metadata.startTime, 1234.5);
});

test("Bun rules: epoch start, doubled async frames, recursion kept, idle gaps", () => {
  const { metadata, samples } = importJson(bunProfile());
  assert.equal(stacksOf(samples), BUN_STACKS);
  assert.is(metadata.startTime, 1_700_000_000);
  assert.is(metadata.sampleCount, 5);
  assert.is(metadata.minInterval, 0.001);
  assert.ok(Math.abs(metadata.duration - 0.0345) < 1e-12);
  assert.ok(Math.abs(metadata.cpuTime - 0.0055) < 1e-12);
  assert.equal(metadata.sysPath, ["/b"]);
});

test("idle gaps: the factor is a parameter", () => {
  const unsplit = BUN_STACKS.filter(([stack]) => !stack.endsWith("[idle]")).map(([stack, micros], i) =>
    [stack, i === 2 ? 30000 : micros] as [string, number]
  );
  assert.equal(stacksOf(importJson(bunProfile(), "hand.cpuprofile", { idleGapFactor: Infinity }).samples), unsplit);
  assert.equal(stacksOf(importJson(bunProfile(), "hand.cpuprofile", { idleGapFactor: 30 }).samples), unsplit);
  assert.equal(stacksOf(importJson(bunProfile(), "hand.cpuprofile", { idleGapFactor: 29 }).samples), BUN_STACKS);
});

test("V8 profiles: long samples stay whole, same-line nested frames stay nested", () => {
  // V8 reports idle itself, so a long delta is a starved sampler; and nested functions on one
  // line (minified code) are distinct calls. The Bun profile, made V8-like in either way:
  const withIdle = bunProfile();
  (withIdle.nodes as Json[])[0].children = [2, 6, 11];
  (withIdle.nodes as Json[]).push(node(11, "(program)"));
  const monotonic = bunProfile();
  monotonic.startTime = 5_000_000;
  monotonic.endTime = 5_000_000 + 34500;
  (monotonic.nodes as Json[])[1] = node(2, "", "file:///b/x.ts", 5, 0, [3]);
  const outer = `${THREAD} > <module>:/b/x.ts:1 > outer:/b/x.ts:10 > outer:/b/x.ts:10 > work:/b/x.ts:3`;
  const rec = "rec:/b/x.ts:13";
  const expected: [string, number][] = [
    [outer, 1000],
    [`${outer} > work:/b/x.ts:3`, 1000],
    [outer, 30000],
    [`${THREAD} > ${rec} > ${rec} > ${rec} > ${rec}`, 1000],
    [outer, 1000],
  ];
  assert.equal(stacksOf(importJson(withIdle).samples), expected);
  assert.equal(stacksOf(importJson(monotonic).samples), expected);
});

test("last sample: until endTime, or one median interval without it", () => {
  const profile = v8Profile();
  delete profile.endTime;
  const stacks = stacksOf(importJson(profile).samples);
  assert.equal(stacks[stacks.length - 1][1], 1000);
  assert.ok(Math.abs(importJson(profile).metadata.duration - (1000 * 8 + 1005 + 1000) / 1e6) < 1e-12);
});

test("the median interval of one import is not affected by the imports before it", () => {
  const withDeltas = (timeDeltas: number[]): Json => {
    const profile = v8Profile();
    delete profile.endTime;
    profile.samples = timeDeltas.map(() => 7);
    profile.timeDeltas = timeDeltas;
    return profile;
  };
  const interval = (timeDeltas: number[]) => importJson(withDeltas(timeDeltas)).metadata.minInterval;
  assert.is(interval([0, 500, 500, 500]), 0.0005);
  // Long and fractional intervals, then short ones: the short ones' median stands alone.
  assert.is(interval([0, 60_000.5, 60_000.5, 60_000.5, 60_000.5]), 0.0600005);
  assert.is(interval([0, 1000, 1000, 2000]), 0.001);
  assert.is(interval([0, 1000, 1000.25, 1000.25]), 0.00100025);
  // An import that fails partway leaves nothing behind either.
  assert.is(interval([0, 500, 500, 500]), 0.0005);
  const broken = withDeltas([0, 800, 800, 800, 800]);
  (broken.samples as number[])[3] = 99;
  assert.throws(() => importJson(broken), /99/);
  assert.is(interval([0, 1000, 1000, 2000]), 0.001);
});

test("node order and `parent` links (trace-event profile chunks) give the same session", () => {
  const reference = stacksOf(importJson(v8Profile()).samples);
  const reversed = v8Profile();
  (reversed.nodes as Json[]).reverse();
  assert.equal(stacksOf(importJson(reversed).samples), reference);
  const parentLinked = v8Profile();
  const parents = new Map<number, number>();
  for (const item of parentLinked.nodes as Json[]) {
    for (const child of (item.children as number[] | undefined) ?? []) parents.set(child, item.id as number);
    delete item.children;
  }
  for (const item of parentLinked.nodes as Json[]) {
    if (parents.has(item.id as number)) item.parent = parents.get(item.id as number);
  }
  (parentLinked.nodes as Json[]).reverse();
  assert.equal(stacksOf(importJson(parentLinked).samples), reference);
  // Large, sparse ids (another tool's numbering) work the same.
  const sparse = v8Profile();
  const big = (id: number): number => id * 10_000_019;
  for (const item of sparse.nodes as Json[]) {
    item.id = big(item.id as number);
    if (item.children) item.children = (item.children as number[]).map(big);
  }
  sparse.samples = (sparse.samples as number[]).map(big);
  assert.equal(stacksOf(importJson(sparse).samples), reference);
});

test("callFrame conventions", () => {
  const frame = (functionName: string, url: string, lineNumber: number, columnNumber: number): string =>
    readable(frameInfoOfCallFrame({ functionName, scriptId: "1", url, lineNumber, columnNumber }));
  assert.is(frame("fib", "file:///home/u/a%20b.js", 4, 19), "fib:/home/u/a b.js:5");
  assert.is(frame("", "file:///home/u/m.mjs", 0, 0), "<module>:/home/u/m.mjs:1"); // V8 module
  assert.is(frame("", "file:///home/u/m.ts", 2, 0), "<module>:/home/u/m.ts:1"); // Deno TS module
  assert.is(frame("(module)", "file:///home/u/m.ts", 7, 0), "<module>:/home/u/m.ts:1"); // Bun
  assert.is(frame("", "file:///home/u/m.ts", 3, 12), "(anonymous):/home/u/m.ts:4");
  assert.is(frame("get", "ext:core/01_core.js", 881, 9), "get:ext:core/01_core.js:882");
  assert.is(frame("", "node:internal/main/run_main_module", 0, 0), "<module>:node:internal/main/run_main_module:1");
  assert.is(frame("now", "", -1, -1), "now:<native>:0");
  assert.is(frame("constructor", "", -1, -1), "constructor:<native>:0");
  assert.is(frame("Promise", "", 0, 10), "Promise:<native>:0"); // Bun builtins have positions
  assert.is(frame("(garbage collector)", "", -1, -1), "[gc]");
  assert.is(frame("(idle)", "", -1, -1), "[idle]");
  assert.is(frame("(program)", "", -1, -1), "[native]");
  assert.is(frame("x", "https://example.com/app.js", 9, 2), "x:https://example.com/app.js:10");
});

test("file names: Node's and Bun's give the thread id and start (local time), Deno's the start", () => {
  const node = importJson(v8Profile(), "/tmp/CPU.20240102.030405.123.7.001.cpuprofile");
  assert.is(node.metadata.startTime, new Date(2024, 0, 2, 3, 4, 5).getTime() / 1000);
  assert.equal(node.metadata.startCallStack, ["main\x00<thread>\x007"]);
  assert.ok(stacksOf(node.samples).every(([stack]) => stack.startsWith("main:<thread>:7 > ")));
  const deno = importJson(v8Profile(), "CPU.1700000000123.55.cpuprofile");
  assert.is(deno.metadata.startTime, 1700000000.123);
  assert.is(importJson(v8Profile(), "CPU.1700000000123.55.cpuprofile", { startTime: 5 }).metadata.startTime, 5);
  // The profile's own epoch clock wins over everything.
  assert.is(importJson(bunProfile(), "CPU.1600000000000.1.cpuprofile", { startTime: 5 }).metadata.startTime, 1_700_000_000);
});

test("sysPath: the common directory of the profile's files, node_modules aside; else the cwd", () => {
  const profile = v8Profile();
  (profile.nodes as Json[])[5] = node(6, "dep", "file:///elsewhere/node_modules/dep/index.js", 7, 20);
  assert.equal(importJson(profile).metadata.sysPath, ["/app"]);
  const noFiles = v8Profile();
  noFiles.nodes = (noFiles.nodes as Json[]).filter((item) => !String((item.callFrame as Json).url).startsWith("file:"));
  (noFiles.nodes as Json[])[0].children = [2, 3, 4];
  noFiles.samples = [2, 3, 4];
  noFiles.timeDeltas = [1, 1, 1];
  assert.equal(importJson(noFiles).metadata.sysPath, [cwd()]);
});

test("a profile with no samples", () => {
  const { metadata, samples } = importJson({ nodes: [node(1, "(root)")], startTime: 10, endTime: 20, samples: [], timeDeltas: [] });
  assert.is(samples.sampleStack.length, 0);
  assert.is(metadata.sampleCount, 0);
  assert.is(metadata.duration, 10 / 1e6);
});

// ---------------------------------------------------------------------------
// errors

test("errors name the file and the field", () => {
  const withNodes = (nodes: unknown): Json => ({ ...v8Profile(), nodes });
  throwsUserError(() => importJson({ samples: [], timeDeltas: [] }), /nodes should be a non-empty list of nodes/);
  throwsUserError(() => importJson(withNodes({})), /nodes should be a non-empty list/);
  throwsUserError(() => importJson({ ...v8Profile(), samples: [7, 7], timeDeltas: [1] }),
    /samples and timeDeltas should be of the same length \(they have 2 and 1\)/);
  throwsUserError(() => importJson({ ...v8Profile(), samples: undefined }), /samples should be a list of node ids/);
  throwsUserError(() => importJson({ ...v8Profile(), timeDeltas: "1,2" }), /timeDeltas should be a list of numbers/);
  throwsUserError(() => importJson({ ...v8Profile(), samples: [7, 99], timeDeltas: [1, 1] }),
    /samples\[1\] should be the id of a node \(99 is not the id of any node\)/);
  throwsUserError(() => importJson({ ...v8Profile(), samples: [7, "7"], timeDeltas: [1, 1] }), /samples\[1\] should be the id of a node \("7"/);
  throwsUserError(() => importJson({ ...v8Profile(), samples: [7, 1.5], timeDeltas: [1, 1] }), /samples\[1\] should be the id/);
  throwsUserError(() => importJson({ ...v8Profile(), samples: [7, 7], timeDeltas: [1, null] }), /timeDeltas\[1\] should be a number/);
  throwsUserError(() => importJson({ ...v8Profile(), startTime: "0" }), /startTime should be a number/);
  throwsUserError(() => importJson({ ...v8Profile(), endTime: null }), /endTime should be a number/);
  throwsUserError(() => importJson(withNodes([node(1, "(root)"), 5])), /nodes\[1\] should be an object/);
  throwsUserError(() => importJson(withNodes([node(1, "(root)"), { ...node(2, "f"), id: "2" }])), /nodes\[1\]\.id should be an integer/);
  throwsUserError(() => importJson(withNodes([node(1, "(root)"), node(1, "f")])), /nodes\[1\]\.id should be unique \(1 appears twice\)/);
  throwsUserError(() => importJson(withNodes([node(1, "(root)"), { id: 2 }])), /nodes\[1\]\.callFrame should be an object/);
  throwsUserError(() => importJson(withNodes([node(1, "(root)"), node(2, "f", "file:///a.js", "3" as unknown as number)])),
    /nodes\[1\]\.callFrame\.lineNumber should be a number/);
  throwsUserError(() => importJson(withNodes([node(1, "(root)"), node(2, 7 as unknown as string)])),
    /nodes\[1\]\.callFrame\.functionName should be a string/);
  throwsUserError(() => importJson(withNodes([node(1, "(root)", "", -1, -1, [2, 3]), node(2, "f")])),
    /nodes\[0\]\.children\[1\] should be the id of a node \(3 is not/);
  throwsUserError(() => importJson(withNodes([{ ...node(1, "(root)"), children: 2 }, node(2, "f")])), /nodes\[0\]\.children should be a list/);
  throwsUserError(() => importJson(withNodes([node(1, "(root)", "", -1, -1, [3]), node(2, "f", "", -1, -1, [3]), node(3, "g")])),
    /nodes\[1\]\.children\[0\] should be a tree link \(node 3 would have two parents\)/);
  throwsUserError(() => importJson(withNodes([node(1, "(root)"), node(2, "f", "", -1, -1, [3]), node(3, "g", "", -1, -1, [2])])),
    /nodes should be a tree \(node \d is its own ancestor\)/);
  throwsUserError(() => importJson({ ...v8Profile(), pyinstrument: { version: 2 } }), /pyinstrument should be an object with version 1/);
});

// ---------------------------------------------------------------------------
// export and round trips

test("export: a Chrome .cpuprofile", () => {
  const imported = importJson(v8Profile());
  const profile = sessionToCpuprofile(new Session(imported.metadata, imported.samples));
  const byId = new Map<number, CpuprofileNode>(profile.nodes.map((item) => [item.id, item]));
  assert.equal(profile.nodes[0].callFrame, { functionName: "(root)", scriptId: "0", url: "", lineNumber: -1, columnNumber: -1 });
  assert.is(profile.nodes[0].id, 1);
  const frames = profile.nodes.map((item) => item.callFrame);
  const find = (name: string) => frames.find((callFrame) => callFrame.functionName === name);
  assert.equal(find("(garbage collector)"), { functionName: "(garbage collector)", scriptId: "0", url: "", lineNumber: -1, columnNumber: -1 });
  assert.ok(find("(idle)") && find("(program)"));
  assert.equal(find("foo"), { functionName: "foo", scriptId: find("foo")?.scriptId, url: "file:///app/main.js", lineNumber: 4, columnNumber: 0 });
  assert.equal(find("bar"), { functionName: "bar", scriptId: find("bar")?.scriptId, url: "node:internal/x", lineNumber: 10, columnNumber: 0 });
  assert.equal(find(""), { functionName: "", scriptId: find("foo")?.scriptId, url: "file:///app/main.js", lineNumber: 0, columnNumber: 0 });
  const anonymous = frames.filter((callFrame) => callFrame.functionName === "(anonymous)").map((callFrame) => callFrame.url);
  assert.equal(anonymous.sort(), ["", "file:///app/lib/util.js"]);
  assert.is.not(find("foo")?.scriptId, find("bar")?.scriptId);
  // A tree: every child exists, once; every sample names a node; hit counts add up.
  const seen = new Set<number>();
  for (const item of profile.nodes) {
    for (const child of item.children ?? []) {
      assert.ok(byId.has(child) && !seen.has(child));
      seen.add(child);
    }
  }
  assert.is(seen.size, profile.nodes.length - 1);
  assert.ok(profile.samples.every((id) => byId.has(id)));
  assert.is(profile.nodes.reduce((sum, item) => sum + item.hitCount, 0), profile.samples.length);
  assert.ok(profile.timeDeltas.every((delta) => Number.isInteger(delta) && delta >= 0));
  assert.is(profile.timeDeltas[0], 0);
  assert.is(profile.endTime - profile.startTime, profile.timeDeltas.reduce((a, b) => a + b, 0) + 700);
  assert.is(serializeCpuprofile(new Session(imported.metadata, imported.samples)), JSON.stringify(profile));
});

test("round trip: hand-written V8 and Bun profiles, with and without the session info", () => {
  for (const profile of [v8Profile(), bunProfile()]) {
    const imported = importJson(profile);
    for (const keep of [true, false]) {
      const again = roundTrip(imported, keep);
      assertSameTimeline(again.samples, imported.samples);
      if (keep) assert.equal(again.metadata, imported.metadata);
      else {
        // Only the samples' span is left: the time before the first sample is not in the export.
        const span = imported.samples.sampleWeight.reduce((sum, weight) => sum + weight, 0);
        assert.is(again.metadata.startTime, imported.metadata.startTime);
        assert.ok(Math.abs(again.metadata.duration - span) < 1e-9);
      }
    }
  }
});

test("round trip: a pyinstrument session (attributes, other roots) comes back exactly", () => {
  const session = Session.load(join(REPO, "tests", "fixtures", "pyinstrument-5.1.2", "sorts.pyisession"));
  const original = { metadata: { ...session }, samples: session.samples };
  const exported = sessionToCpuprofile(session);
  assert.ok(exported.nodes.some((item) => item.callFrame.url.startsWith("file:///")));
  const again = importJson(JSON.parse(JSON.stringify(exported)) as Json, "exported.cpuprofile");
  assert.equal(timeline(again.samples).stacks, timeline(original.samples).stacks);
  assert.equal(timeline(again.samples).ends, timeline(original.samples).ends);
  for (const key of ["startTime", "duration", "sampleCount", "targetDescription", "cpuTime", "sysPath", "startCallStack"] as const) {
    assert.equal(again.metadata[key], original.metadata[key]);
  }
});

// ---------------------------------------------------------------------------
// real profiles from each runtime's --cpu-prof

const isDeno = "Deno" in globalThis;
const isBun = "Bun" in globalThis;
const RUNTIMES = {
  node: { command: !isDeno && !isBun ? process.execPath : "node", args: ["--cpu-prof"], fixture: BUSY_JS },
  deno: { command: isDeno ? process.execPath : join(REPO, "node_modules", ".bin", "deno"), args: ["run", "--cpu-prof"], fixture: BUSY_TS },
  bun: { command: isBun ? process.execPath : join(REPO, "node_modules", ".bin", "bun"), args: ["--cpu-prof"], fixture: BUSY_TS },
};
type Runtime = keyof typeof RUNTIMES;
const scratch = mkdtempSync(join(tmpdir(), "pyinstrument-cpuprofile-"));

/** Runs the fixture under `--cpu-prof` (bounded by a timeout) and reads the profile it wrote. */
function record(runtime: Runtime): Promise<{ json: Json; path: string }> {
  const { command, args, fixture } = RUNTIMES[runtime];
  const dir = join(scratch, runtime);
  return new Promise((resolve, reject) => {
    execFile(command, [...args, `--cpu-prof-dir=${dir}`, fixture], { cwd: REPO, timeout: 60_000 }, (error, _stdout, stderr) => {
      if (error) return reject(new Error(`${runtime} --cpu-prof failed: ${error.message}\n${stderr}`));
      const names = readdirSync(dir).filter((name) => name.endsWith(".cpuprofile"));
      if (names.length !== 1) return reject(new Error(`${runtime} wrote ${names.length} profiles in ${dir}`));
      const path = join(dir, names[0]);
      resolve({ json: JSON.parse(readFileSync(path, "utf8")) as Json, path });
    });
  });
}

// One at a time, started by the first test that needs them: concurrent runs on a busy machine
// starve the samplers, which distorts the very times the tests check.
let queue: Promise<unknown> = Promise.resolve();
const recordings = new Map<Runtime, Promise<{ json: Json; path: string }>>();
function recording(runtime: Runtime): Promise<{ json: Json; path: string }> {
  let result = recordings.get(runtime);
  if (!result) {
    result = queue.then(() => record(runtime));
    queue = result.catch(() => {});
    recordings.set(runtime, result);
  }
  return result;
}

/** 1-based line of the first line of `file` containing `text`. */
function lineOf(file: string, text: string): number {
  return readFileSync(file, "utf8").split("\n").findIndex((line) => line.includes(text)) + 1;
}

for (const runtime of Object.keys(RUNTIMES) as Runtime[]) {
  test(`${runtime} --cpu-prof: files, lines, times, idle, GC, thread root`, async () => {
    const { json, path } = await recording(runtime);
    const file = RUNTIMES[runtime].fixture;
    const { metadata, samples } = importJson(json, path);
    const at = (name: string, text: string): string => `${name}:${file}:${lineOf(file, text)}`;
    const busyWait = at("busyWait", "function busyWait(");
    const outer = at("outer", "function outer(");
    const recurse = at("recurse", "function recurse(");
    const asyncBusy = at("asyncBusy", "async function asyncBusy(");
    const frameInfos = samples.frames.frameInfos.map(readable);
    for (const frame of [busyWait, outer, recurse, asyncBusy, `<module>:${file}:1`]) {
      assert.ok(frameInfos.includes(frame), `${frame} in ${frameInfos.filter((info) => info.includes(file)).join(", ")}`);
    }

    // The busy-waits are wall-clock timed, so their samples add up to about their length. The
    // bounds are wide: on a busy machine a starved sampler stretches deltas, and Bun's gap rule
    // then counts some busy time as idle. Together they must account for the ~300 ms.
    const within = (seconds: number, low: number, high: number, what: string): void =>
      assert.ok(seconds >= low && seconds <= high, `${what}: ${seconds} s`);
    const idle = secondsWhere(samples, (s) => s === `${THREAD} > [idle]`);
    const busy = secondsWhere(samples, (s) => s.includes(busyWait));
    within(secondsWhere(samples, (s) => s.includes(`${outer} > ${busyWait}`)), 0.02, 1, "outer > busyWait (100 ms)");
    within(secondsWhere(samples, (s) => s.includes(`${recurse} > ${recurse} > ${recurse} > ${busyWait}`)), 0.008, 1, "recursion (40 ms)");
    within(secondsWhere(samples, (s) => s.includes(`${asyncBusy} > ${busyWait}`)), 0.016, 1, "asyncBusy (50 + 30 ms)");
    within(idle, 0.04, 2, "idle (80 ms)");
    within(busy + idle, 0.25, 5, "busy-waits and idle (300 ms)");
    within(metadata.duration, 0.25, 10, "duration");
    within(metadata.cpuTime, 0.15, metadata.duration - 0.04, "cpu time");
    within(Math.abs(metadata.startTime - Date.now() / 1000), 0, 600, "start time from the clock or the file name");
    assert.equal(metadata.sysPath, [FIXTURES]);

    // Every stack hangs below the thread root; synthetic frames are leaves, idle only at the top.
    for (const [stack] of stacksOf(samples)) {
      assert.ok(stack.startsWith(`${THREAD}`), stack);
      const parts = stack.split(" > ");
      parts.forEach((part, i) => {
        if (part.startsWith("[")) assert.is(i, parts.length - 1, stack);
        if (part === "[idle]") assert.is(i, 1, stack);
        // Runtime internals may nest same-line functions for real; the fixture's own frames don't.
        if (i > 0 && part === parts[i - 1] && part.includes(FIXTURES)) assert.ok(part === recurse, `doubled frame in ${stack}`);
      });
    }

    // Root-level GC and (program) samples join the previous sample's stack (V8: no gaps split).
    const stacks = stacksOf(samples).map(([stack]) => stack);
    const rawSamples = json.samples as number[];
    // Bun: at least the 80 ms await is split off (on a busy machine, pauses may be too).
    if (runtime === "bun") assert.ok(stacks.length > rawSamples.length);
    else assert.is(stacks.length, rawSamples.length);
    const ids = (json.nodes as Json[]).map((item) => item.id as number);
    const names = (json.nodes as Json[]).map((item) => (item.callFrame as Json).functionName as string);
    let previous = THREAD;
    if (runtime !== "bun") rawSamples.forEach((id, i) => {
      const name = names[ids.indexOf(id)];
      if (name === "(garbage collector)") assert.is(stacks[i], `${previous} > [gc]`);
      else if (name === "(program)") assert.is(stacks[i], `${previous} > [native]`);
      else previous = name === "(idle)" ? THREAD : stacks[i];
    });

    // Round trips: exact with the session info, and without it (as another tool would keep it).
    for (const keep of [true, false]) {
      const again = roundTrip({ metadata, samples }, keep);
      assertSameTimeline(again.samples, samples);
    }
  });
}

test("bun --cpu-prof: async frames come doubled, and are collapsed", async () => {
  const { json, path } = await recording("bun");
  const nodes = json.nodes as Json[];
  const parentOf = new Map<number, Json>();
  for (const item of nodes) for (const child of (item.children as number[] | undefined) ?? []) parentOf.set(child, item);
  const doubled = nodes.filter((item) => {
    const parent = parentOf.get(item.id as number);
    const [a, b] = [item.callFrame as Json, parent?.callFrame as Json | undefined];
    return b !== undefined && a.functionName === b.functionName && a.lineNumber === b.lineNumber && a.columnNumber !== b.columnNumber;
  });
  assert.ok(doubled.some((item) => (item.callFrame as Json).functionName === "asyncBusy"), "Bun doubles asyncBusy");
  const { samples } = importJson(json, path);
  assert.ok(stacksOf(samples).every(([stack]) => !/asyncBusy[^>]*> asyncBusy/.test(stack)));
  assert.ok(stacksOf(samples).some(([stack]) => /<module>[^>]*> asyncBusy[^>]*> busyWait/.test(stack)));
});

test.after(() => rmSync(scratch, { recursive: true, force: true }));

test.run();

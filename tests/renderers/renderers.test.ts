// Renderers on hand-made sessions: pyinstrument's test_renderers.py, the JSON and speedscope
// expectations of test_profiler.py, test_overflow.py (very deep stacks), and the Session
// operations the renderers rely on (frame records, combine, shortenPath, resample).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ConsoleRenderer } from "../../src/renderers/console.ts";
import { JSONRenderer } from "../../src/renderers/json.ts";
import { SessionRenderer } from "../../src/renderers/session.ts";
import { SpeedscopeRenderer } from "../../src/renderers/speedscope.ts";
import type { FrameRenderer, Renderer } from "../../src/renderers/base.ts";
import { type FrameRecord, Session } from "../../src/session/session.ts";

const THREAD = "MainThread\x00<thread>\x00140000";

interface SessionFields {
  start_time?: number;
  duration?: number;
  min_interval?: number;
  max_interval?: number;
  sample_count?: number;
  start_call_stack?: string[];
  target_description?: string;
  cpu_time?: number;
  sys_path?: string[];
  sys_prefixes?: string[];
}

/** A session from pyinstrument-shaped JSON; metadata defaults suit a one-second toy profile. */
function makeSession(records: FrameRecord[], fields: SessionFields = {}): Session {
  const total = records.reduce((sum, [, time]) => sum + time, 0);
  return Session.fromJSON({
    start_time: 1700000000,
    duration: total,
    min_interval: 0.001,
    max_interval: 0.001,
    sample_count: records.length,
    start_call_stack: [THREAD],
    target_description: "Program: test",
    cpu_time: total,
    sys_path: [],
    sys_prefixes: [],
    ...fields,
    frame_records: records,
  });
}

const emptySession = () => makeSession([], { duration: 0, cpu_time: 0 });

type FrameRendererClass = new (options?: { timeline?: boolean; showAll?: boolean }) => FrameRenderer;
const FRAME_RENDERERS: Array<[string, FrameRendererClass]> = [
  ["ConsoleRenderer", ConsoleRenderer],
  ["JSONRenderer", JSONRenderer],
  ["SpeedscopeRenderer", SpeedscopeRenderer],
];

function approx(actual: number, expected: number, message?: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), message ?? `${actual} ≈ ${expected}`);
}

// ---------------------------------------------------------------------------
// test_renderers.py

/** As test_renderers.py's fixture: a() calls b() and c(), each calls d() -> e() -> sleep(1). */
function abcdeSession(): Session {
  const f = (name: string, line: number) => `${name}\x00test/test_renderers.py\x00${line}`;
  const start = f("profiler_session", 61);
  const stem = [THREAD, start, f("a", 34)];
  const tail = [f("d", 47), f("e", 51), "sleep\x00<built-in>\x000"];
  return makeSession(
    [
      [[...stem, f("b", 39), ...tail], 1],
      [[...stem, f("c", 43), ...tail], 1],
    ],
    { start_call_stack: [THREAD, start] },
  );
}

test("an empty session renders with every renderer", () => {
  const session = emptySession();
  assert.is(session.rootFrame(), null);

  const text = new ConsoleRenderer().render(session);
  assert.ok(text.includes("No samples were recorded.\n"), text);
  assert.ok(text.includes("Samples:  0"));

  const json = JSON.parse(new JSONRenderer().render(session));
  assert.is(json.root_frame, null);
  assert.is(json.sample_count, 0);

  const speedscope = JSON.parse(new SpeedscopeRenderer().render(session));
  assert.equal(speedscope.profiles[0].events, []);
  assert.equal(speedscope.shared.frames, []);

  const saved = new SessionRenderer().render(session);
  assert.ok(saved.endsWith(', "frame_records": []}'), saved);
  assert.equal(Session.fromJSON(JSON.parse(saved)).frameRecords, []);

  for (const [name, Renderer] of FRAME_RENDERERS) {
    new Renderer({ timeline: true }).render(session);
    new Renderer({ showAll: true }).render(session);
    assert.ok(true, name);
  }
  new ConsoleRenderer({ flat: true }).render(session);
});

for (const [name, Renderer] of FRAME_RENDERERS) {
  test(`${name}: timeline doesn't crash`, () => {
    const output = new Renderer({ timeline: true }).render(abcdeSession());
    assert.ok(output.includes("profiler_session"));
  });

  test(`${name}: show_all doesn't crash`, () => {
    const output = new Renderer({ showAll: true }).render(abcdeSession());
    assert.ok(output.includes("sleep"));
  });
}

test("ConsoleRenderer: flat, self time adds up each function's self time", () => {
  const output = new ConsoleRenderer({ flat: true, flatTime: "self" }).render(abcdeSession());
  const lines = output.split("\n").filter((line) => /^\d/.test(line));
  assert.equal(lines, ["2.000 sleep  <built-in>"]);
});

test("ConsoleRenderer: flat, total time keeps the last frame seen (pyinstrument's quirk)", () => {
  const output = new ConsoleRenderer({ flat: true, flatTime: "total" }).render(abcdeSession());
  const lines = output.split("\n").filter((line) => /^\d/.test(line));
  assert.equal(lines, [
    "2.000 profiler_session  test/test_renderers.py:61",
    "2.000 a  test/test_renderers.py:34",
    "1.000 b  test/test_renderers.py:39",
    "1.000 d  test/test_renderers.py:47",
    "1.000 e  test/test_renderers.py:51",
    "1.000 sleep  <built-in>",
    "1.000 c  test/test_renderers.py:43",
  ]);
});

test("ConsoleRenderer: flat and timeline together are a misconfiguration", () => {
  assert.throws(() => new ConsoleRenderer({ flat: true, timeline: true }), /Cannot use timeline and flat options together/);
});

// ---------------------------------------------------------------------------
// test_profiler.py: sessions as the fake clock would have recorded them

const P = (name: string, line: number, current?: number) =>
  `${name}\x00test/test_profiler.py\x00${line}` + (current ? `\x01l${current}` : "");
const SLEEP = "sleep\x00test/fake_time_util.py\x0019";

test("repeated calls are added up in the text report, kept apart in the timeline tree", () => {
  const start = P("test_collapses_multiple_calls_by_default", 48, 51);
  const record = (fn: string, line: number, time: number): FrameRecord => [[THREAD, start, P(fn, line), SLEEP], time];
  const session = makeSession(
    [
      record("long_function_a", 23, 0.25),
      record("long_function_b", 27, 0.5),
      record("long_function_a", 23, 0.25),
      record("long_function_b", 27, 0.5),
    ],
    { start_call_stack: [THREAD, start] },
  );
  const text = new ConsoleRenderer().render(session);
  const count = (needle: string) => text.split(needle).length - 1;
  assert.is(count("1.500 test_collapses_multiple_calls_by_default"), 1, text);
  assert.is(count("0.500 long_function_a"), 1, text);
  assert.is(count("1.000 long_function_b"), 1, text);

  const root = session.rootFrame();
  assert.ok(root);
  assert.is(root.function, "test_collapses_multiple_calls_by_default");
  assert.is(root.children.length, 4);
});

test("class names from frame attributes prefix the function name", () => {
  const start = P("test_class_methods", 124);
  const sleep: FrameRecord[] = [
    [[THREAD, start, P("long_method", 29) + "\x01cClassWithMethods", SLEEP + "\x01cFakeClock"], 0.25],
    [[THREAD, start, P("long_class_method", 36) + "\x01cClassWithMethods", SLEEP + "\x01cFakeClock"], 0.25],
    [[THREAD, start, P("long_static_method", 32), SLEEP + "\x01cFakeClock"], 0.25],
    [[THREAD, start, P("long_method", 29) + "\x01cClassWithMethods", SLEEP + "\x01cFakeClock"], 0.25],
  ];
  const text = new ConsoleRenderer().render(makeSession(sleep, { start_call_stack: [THREAD, start] }));
  const count = (needle: string) => text.split(needle).length - 1;
  assert.is(count("0.500 ClassWithMethods.long_method"), 1, text);
  assert.is(count("0.250 ClassWithMethods.long_class_method"), 1, text);
  assert.is(count("0.250 long_static_method"), 1, text);
  assert.is(count("FakeClock.sleep"), 3, text);
});

/** test_json_output / test_speedscope_output: long_function_a (0.25 s) then long_function_b (0.5 s). */
function twoFunctionSession(testName: string): Session {
  const start = P(testName, 178, 180);
  const inTest = P(testName, 178, 181);
  return makeSession(
    [
      [[THREAD, inTest, P("long_function_a", 23, 24), SLEEP], 0.125],
      [[THREAD, inTest, P("long_function_a", 23, 24), SLEEP], 0.125],
      [[THREAD, inTest, P("long_function_b", 27, 28), SLEEP], 0.5],
    ],
    { start_call_stack: [THREAD, start] },
  );
}

test("JSONRenderer: pyinstrument's layout", () => {
  const session = twoFunctionSession("test_json_output");
  const text = new JSONRenderer().render(session);
  assert.ok(text.startsWith('{"start_time": 1700000000.000000,"duration": 0.750000,"sample_count": 3,'), text);
  assert.ok(text.endsWith("}\n"));
  const output = JSON.parse(text);
  assert.equal(Object.keys(output), ["start_time", "duration", "sample_count", "target_description", "cpu_time", "root_frame"]);
  const root = output.root_frame;
  assert.is(root.function, "test_json_output");
  assert.is(root.children.length, 2);
  assert.equal(Object.keys(root), [
    "function", "file_path_short", "file_path", "line_no", "time", "await_time", "is_application_code", "children",
  ]);
  assert.is(root.file_path, "test/test_profiler.py");
  assert.is(root.line_no, 178);
  assert.is(root.time, 0.75);
  assert.is(root.is_application_code, true);
  assert.equal(root.children.map((c: { function: string }) => c.function), ["long_function_b", "long_function_a"]);
});

test("SpeedscopeRenderer: pyinstrument's event list", () => {
  const output = JSON.parse(new SpeedscopeRenderer().render(twoFunctionSession("test_speedscope_output")));
  for (const field of ["$schema", "name", "exporter", "activeProfileIndex", "profiles", "shared"]) {
    assert.ok(field in output, field);
  }
  assert.is(output.$schema, "https://www.speedscope.app/file-format-schema.json");
  assert.ok(output.exporter.includes("pyinstrument"));
  assert.is(output.activeProfileIndex, null);
  assert.ok(output.name.includes("CPU profile"));
  assert.is(output.name, "CPU profile for 'Program: test' at 2023-11-14T22-13-20");

  const functions: Record<string, number> = {
    test_speedscope_output: 0,
    long_function_a: 1,
    sleep: 2,
    long_function_b: 3,
  };
  const frames = output.shared.frames;
  assert.is(frames.length, Object.keys(functions).length);
  for (const [name, index] of Object.entries(functions)) {
    assert.equal(Object.keys(frames[index]), ["name", "file", "line"]);
    assert.is(frames[index].name, name);
  }
  assert.equal(frames[2], { name: "sleep", file: "test/fake_time_util.py", line: 19 });

  assert.is(output.profiles.length, 1);
  const profile = output.profiles[0];
  assert.equal(Object.keys(profile), ["type", "name", "unit", "startValue", "endValue", "events"]);
  assert.is(profile.type, "evented");
  assert.is(profile.unit, "seconds");
  assert.is(profile.startValue, 0);
  assert.is(profile.endValue, 0.75);

  const expected: Array<[string, number, string]> = [
    ["O", 0.0, "test_speedscope_output"],
    ["O", 0.0, "long_function_a"],
    ["O", 0.0, "sleep"],
    ["C", 0.25, "sleep"],
    ["C", 0.25, "long_function_a"],
    ["O", 0.25, "long_function_b"],
    ["O", 0.25, "sleep"],
    ["C", 0.75, "sleep"],
    ["C", 0.75, "long_function_b"],
    ["C", 0.75, "test_speedscope_output"],
  ];
  const events = profile.events;
  assert.is(events.length, expected.length);
  events.forEach((event: { type: string; at: number; frame: number }, i: number) => {
    assert.equal(Object.keys(event), ["type", "at", "frame"]);
    assert.is(event.type, expected[i][0], `event ${i}`);
    approx(event.at, expected[i][1], `event ${i} at`);
    assert.is(event.frame, functions[expected[i][2]], `event ${i} frame`);
  });
});

// ---------------------------------------------------------------------------
// test_overflow.py: stacks deeper than any recursive walk could follow

const DEPTH = 50_000;

/** One stack, DEPTH frames of recursion between the program's own frames. */
function deepSession(recurseFile: string): Session {
  const main = "<module>\x00/app/main.js\x001";
  const stack = [THREAD, main, "run\x00/app/main.js\x003"];
  for (let i = 0; i < DEPTH; i++) stack.push(`recurse\x00${recurseFile}\x005`);
  stack.push("work\x00/app/main.js\x009");
  return makeSession([[stack, 0.1], [stack, 0.1], [stack.slice(0, -1), 0.05]], {
    start_call_stack: [THREAD, main],
    sys_path: ["/app"],
  });
}

test("deep stack in application code: json, speedscope, session and flat text render", () => {
  const session = deepSession("/app/recurse.js");

  const json = new JSONRenderer().render(session);
  let depth = 0;
  for (let frame = JSON.parse(json).root_frame; frame; frame = frame.children[0]) depth++;
  assert.is(depth, DEPTH + 3, "module, run, every recurse frame, work");

  const timelineJson = new JSONRenderer({ timeline: true }).render(session);
  assert.ok(timelineJson.length > json.length / 2);

  const speedscope = JSON.parse(new SpeedscopeRenderer().render(session));
  // module, run, every recurse frame, work, and the deepest recurse's [self]
  assert.is(speedscope.profiles[0].events.length, 2 * (DEPTH + 4));
  assert.is(speedscope.shared.frames.length, 5);

  const saved = new SessionRenderer().render(session);
  assert.equal(Session.fromJSON(JSON.parse(saved)).frameRecords, session.frameRecords);

  const flat = new ConsoleRenderer({ flat: true }).render(session);
  assert.ok(flat.includes("0.200 work  main.js:9"), flat);
  assert.ok(flat.includes("0.050 recurse  recurse.js:5"), flat);
  const flatTotal = new ConsoleRenderer({ flat: true, flatTime: "total" }).render(session);
  assert.ok(flatTotal.includes("0.250 recurse  recurse.js:5"), flatTotal);
});

test("deep stack in library code: text, timeline, json and speedscope render", () => {
  const session = deepSession("/app/node_modules/deep/index.js");

  for (const renderer of [new ConsoleRenderer(), new ConsoleRenderer({ timeline: true })]) {
    const lines = renderer.render(session).split("\n");
    const tree = lines.slice(lines.findIndex((line) => line.startsWith("0.250")));
    assert.equal(tree.slice(0, 7), [
      "0.250 <module>  main.js:1",
      "`- 0.250 run  main.js:3",
      "   `- 0.250 recurse  node_modules/deep/index.js:5",
      // all but the group's root and exit frame, and the [self] frame under the exit frame
      `         [${DEPTH - 1} frames hidden]  deep`,
      "            0.250 recurse  node_modules/deep/index.js:5",
      "            `- 0.200 work  main.js:9",
      "",
    ]);
  }

  const json = JSON.parse(new JSONRenderer().render(session));
  const groupIds = new Set<string>();
  for (let frame = json.root_frame; frame; frame = frame.children[0]) if (frame.group_id) groupIds.add(frame.group_id);
  assert.is(groupIds.size, 1);

  const speedscope = JSON.parse(new SpeedscopeRenderer({ timeline: true }).render(session));
  assert.is(speedscope.profiles[0].events.length, 2 * (DEPTH + 4));
  new SessionRenderer().render(session);
});

// ---------------------------------------------------------------------------
// Session

test("Session.frameRecords gives back the records it was made from", () => {
  const a = "a\x00/app/a.js\x001";
  const records: FrameRecord[] = [
    [[THREAD, a + "\x01l2", "b\x00/app/b.js\x005\x01cKlass\x01l7"], 0.001],
    [[THREAD, a + "\x01l2", "b\x00/app/b.js\x005\x01cKlass\x01l8"], 0.002],
    [[THREAD, a + "\x01l3"], 0.0015],
    [[THREAD, "[idle]"], 0.25],
    [[THREAD, a + "\x01l2", "b\x00/app/b.js\x005\x01cKlass\x01l7"], 1e-7],
    [["Other\x00<thread>\x002", "[await]"], 0.1],
  ];
  const session = makeSession(records);
  assert.equal(session.frameRecords, records);
  assert.is(session.recordCount, records.length);
  assert.equal(Session.fromJSON(session.toJSON()).frameRecords, records);
});

test("Session.combine: ordered by start time, times summed, intervals widened, paths merged", () => {
  const later = makeSession([[[THREAD, "late\x00/b.js\x001"], 0.5]], {
    start_time: 200,
    duration: 2,
    min_interval: 0.001,
    max_interval: 0.001,
    sample_count: 7,
    cpu_time: 1.5,
    start_call_stack: [THREAD, "late"],
    target_description: "later",
    sys_path: ["/b", "/shared", "/c"],
    sys_prefixes: ["/usr", "/opt"],
  });
  const earlier = makeSession([[[THREAD, "early\x00/a.js\x001"], 0.25], [[THREAD, "early2\x00/a.js\x002"], 0.125]], {
    start_time: 100,
    duration: 1,
    min_interval: 0.0001,
    max_interval: 0.01,
    sample_count: 3,
    cpu_time: 0.5,
    start_call_stack: [THREAD, "early"],
    target_description: "earlier",
    sys_path: ["/a", "/shared"],
    sys_prefixes: ["/usr", "/lib"],
  });

  for (const combined of [Session.combine(later, earlier), Session.combine(earlier, later)]) {
    assert.is(combined.startTime, 100);
    assert.is(combined.duration, 3);
    assert.is(combined.sampleCount, 10);
    assert.is(combined.cpuTime, 2);
    assert.is(combined.minInterval, 0.0001);
    assert.is(combined.maxInterval, 0.01);
    assert.equal(combined.startCallStack, [THREAD, "early"]);
    assert.is(combined.targetDescription, "earlier");
    assert.equal(combined.sysPath, ["/a", "/shared", "/b", "/c"]);
    assert.equal([...combined.sysPrefixes].sort(), ["/lib", "/opt", "/usr"]);
    assert.equal(combined.frameRecords, [...earlier.frameRecords, ...later.frameRecords]);
  }
});

test("shortenPath picks the sys_path entry that leaves the fewest components", () => {
  const session = makeSession([], {
    sys_path: ["/usr/lib/python3.11", "/home/u/proj", "/home/u/proj/src", "/usr/lib/python3.11/lib-dynload"],
  });
  assert.is(session.shortenPath("/home/u/proj/src/app/main.py"), "app/main.py");
  assert.is(session.shortenPath("/home/u/proj/tests/test_x.py"), "tests/test_x.py");
  assert.is(session.shortenPath("/usr/lib/python3.11/json/__init__.py"), "json/__init__.py");
  assert.is(session.shortenPath("/usr/lib/python3.11/lib-dynload/_json.so"), "_json.so");
  // going up with `..` only wins when it really is shorter
  assert.is(session.shortenPath("/home/u/other/x.py"), "../other/x.py");
  assert.is(session.shortenPath("/x.py"), "/x.py");
  // not paths: left alone
  assert.is(session.shortenPath("<built-in>"), "<built-in>");
  assert.is(session.shortenPath("<native>"), "<native>");
  assert.is(session.shortenPath("node:internal/modules/cjs/loader"), "node:internal/modules/cjs/loader");
  assert.is(session.shortenPath("ext:deno_node/internal/fs.js"), "ext:deno_node/internal/fs.js");
  assert.is(session.shortenPath("https://deno.land/std@0.200.0/path/mod.ts"), "https://deno.land/std@0.200.0/path/mod.ts");
  assert.is(session.shortenPath("bun:sqlite/x"), "bun:sqlite/x");

  const noSysPath = makeSession([], { sys_path: [] });
  assert.is(noSysPath.shortenPath("/home/u/proj/app.py"), "/home/u/proj/app.py");
});

test("resample merges samples up to the interval, counting the remainder twice as pyinstrument does", () => {
  const stack = (name: string) => [THREAD, `${name}\x00/app/x.js\x001`];
  const session = makeSession(
    [
      [stack("a"), 0.3],
      [stack("b"), 0.3],
      [stack("c"), 0.5],
      [stack("d"), 0.1],
      [stack("e"), 0.9],
    ],
    { start_time: 123, duration: 2.1, cpu_time: 1.9, target_description: "resampled" },
  );
  const resampled = session.resample(0.5);
  const records = resampled.frameRecords;
  assert.equal(records.map(([s]) => s), [stack("b"), stack("c"), stack("e")]);
  approx(records[0][1], 0.6);
  approx(records[1][1], 0.6);
  approx(records[2][1], 1.1);
  approx(records.reduce((sum, [, time]) => sum + time, 0), 2.3, "more time out than in");
  assert.is(resampled.sampleCount, 3);
  assert.is(resampled.minInterval, 0.5);
  assert.is(resampled.maxInterval, 0.5);
  assert.is(resampled.startTime, 123);
  assert.is(resampled.duration, 2.1);
  assert.is(resampled.cpuTime, 1.9);
  assert.is(resampled.targetDescription, "resampled");
  assert.is(session.frameRecords.length, 5, "the original is unchanged");

  const exact = makeSession([[stack("a"), 1.0], [stack("b"), 0.25], [stack("c"), 0.25]]).resample(0.5);
  assert.equal(exact.frameRecords, [[stack("a"), 1.0], [stack("c"), 0.5]]);
});

test.run();

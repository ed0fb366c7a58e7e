// pyinstrument's test/test_processors.py, ported: each processor on a hand-built tree.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Frame, type FrameContext } from "../../src/frame/frame.ts";
import {
  aggregateRepeatedCalls,
  groupLibraryFrames,
  mergeConsecutiveSelfTime,
  type Processor,
  removeFirstPyinstrumentFrames,
  removeImportlib,
  removeIrrelevantNodes,
  removeTracebackhide,
  removeUnnecessarySelfTimeNodes,
} from "../../src/processors/processors.ts";
import { SELF_TIME_FRAME_IDENTIFIER, SYNTHETIC_LEAF_IDENTIFIERS } from "../../src/session/frame-info.ts";
import { Session } from "../../src/session/session.ts";

const ALL_PROCESSORS: Processor[] = [
  aggregateRepeatedCalls,
  groupLibraryFrames,
  mergeConsecutiveSelfTime,
  removeImportlib,
  removeTracebackhide,
  removeUnnecessarySelfTimeNodes,
  removeIrrelevantNodes,
  removeFirstPyinstrumentFrames,
];

const PLAIN_CONTEXT: FrameContext = { shortenPath: (path) => path, sysPrefixes: [] };

/** A frame with children, as pyinstrument's `Frame(identifier, children=[...])` builds one. */
function frame(identifier: string, children: Frame[] = [], context: FrameContext | null = null): Frame {
  const result = new Frame(identifier);
  result.addChildren(children);
  if (context) result.setContext(context);
  return result;
}

function selfTimeFrame(time: number): Frame {
  return new Frame(SELF_TIME_FRAME_IDENTIFIER, time);
}

/** pyinstrument's test helper: given correct leaf times, sets every other frame's time. */
function calculateFrameTreeTimes(root: Frame): void {
  const stack: Array<{ frame: Frame; next: number; sum: number }> = [{ frame: root, next: 0, sum: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const children = top.frame.children;
    if (top.next < children.length) {
      const child = children[top.next++];
      if (SYNTHETIC_LEAF_IDENTIFIERS.has(child.identifier)) top.sum += child.time;
      else stack.push({ frame: child, next: 0, sum: 0 });
      continue;
    }
    stack.pop();
    top.frame.time = top.sum + top.frame.absorbedTime;
    if (stack.length) stack[stack.length - 1].sum += top.frame.time;
  }
}

function approx(actual: number, expected: number, message?: string): void {
  const tolerance = Math.max(1e-6 * Math.abs(expected), 1e-12);
  assert.ok(Math.abs(actual - expected) <= tolerance, message ?? `expected ${actual} to be approximately ${expected}`);
}

function sessionContext(sysPath: string[], sysPrefixes: string[]): Session {
  return Session.fromJSON({
    start_time: 0,
    duration: 0,
    min_interval: 0.1,
    max_interval: 0.1,
    sample_count: 0,
    start_call_stack: [],
    target_description: "dummy",
    cpu_time: 0,
    sys_path: sysPath,
    sys_prefixes: sysPrefixes,
    frame_records: [],
  });
}

test("every processor passes null through", () => {
  for (const processor of ALL_PROCESSORS) {
    assert.is(processor(null, {}), null);
  }
});

test("remove_importlib replaces importlib frames with their children", () => {
  let root: Frame | null = frame("<module>\x00sympy/__init__.py\x0012", [
    frame("_handle_fromlist\x00../<frozen importlib._bootstrap>\x00997", [
      selfTimeFrame(0.15),
      frame("_find_and_load\x00../<frozen importlib._bootstrap>\x00997", [
        selfTimeFrame(0.05),
        frame("<module>\x00sympy/polys/polyfuncs.py\x001", [selfTimeFrame(0.05)]),
        frame("<module>\x00sympy/polys/partfrac.py\x001", [selfTimeFrame(0.2)]),
      ]),
      frame("<module>\x00sympy/polys/numberfields.py\x001", [selfTimeFrame(0.05)]),
    ]),
  ], PLAIN_CONTEXT);

  calculateFrameTreeTimes(root);
  root.selfCheck();
  assert.is(root.totalSelfTime, 0);
  approx(root.time, 0.5);

  root = removeImportlib(root, {});
  assert.ok(root);
  root.selfCheck();

  // the root takes over the self time the importlib frames had
  approx(root.totalSelfTime, 0.2);
  approx(root.time, 0.5);
  assert.is(root.children.length, 5);
  assert.is(root.children[0].identifier, SELF_TIME_FRAME_IDENTIFIER);
  assert.is(root.children[0].time, 0.15);
  assert.is(root.children[1].identifier, SELF_TIME_FRAME_IDENTIFIER);
  assert.is(root.children[1].time, 0.05);
  assert.is(root.children[2].filePath, "sympy/polys/polyfuncs.py");
  assert.is(root.children[3].filePath, "sympy/polys/partfrac.py");
  assert.is(root.children[4].filePath, "sympy/polys/numberfields.py");
});

test("remove_tracebackhide replaces frames marked h1 with their children", () => {
  let root: Frame | null = frame("<module>\x00sympy/__init__.py\x0012\x01h0", [
    frame("_handle_fromlist\x00../foo.py\x00997\x01h1", [
      selfTimeFrame(0.15),
      frame("_find_and_load\x00../foo.py\x00997\x01h1", [
        selfTimeFrame(0.05),
        frame("<module>\x00sympy/polys/polyfuncs.py\x001\x01h0", [selfTimeFrame(0.05)]),
        frame("<module>\x00sympy/polys/partfrac.py\x001\x01h0", [selfTimeFrame(0.2)]),
      ]),
      frame("<module>\x00sympy/polys/numberfields.py\x001\x01h0", [selfTimeFrame(0.05)]),
    ]),
  ], PLAIN_CONTEXT);

  calculateFrameTreeTimes(root);
  root.selfCheck();
  assert.is(root.totalSelfTime, 0);
  approx(root.time, 0.5);

  root = removeTracebackhide(root, {});
  assert.ok(root);
  root.selfCheck();

  approx(root.totalSelfTime, 0.2);
  approx(root.time, 0.5);
  assert.is(root.children.length, 5);
  assert.is(root.children[0].identifier, SELF_TIME_FRAME_IDENTIFIER);
  assert.is(root.children[0].time, 0.15);
  assert.is(root.children[1].identifier, SELF_TIME_FRAME_IDENTIFIER);
  assert.is(root.children[1].time, 0.05);
});

test("merge_consecutive_self_time merges adjacent [self] siblings", () => {
  let root: Frame | null = frame("<module>\x00cibuildwheel/__init__.py\x0012", [
    frame("strip_newlines\x00cibuildwheel/utils.py\x00997", [selfTimeFrame(0.1)]),
    selfTimeFrame(0.2),
    selfTimeFrame(0.1),
    frame("calculate_metrics\x00cibuildwheel/utils.py\x007", [selfTimeFrame(0.1)]),
    selfTimeFrame(0.05),
  ], PLAIN_CONTEXT);

  calculateFrameTreeTimes(root);
  root.selfCheck();
  approx(root.time, 0.55);

  root = mergeConsecutiveSelfTime(root, {});
  assert.ok(root);
  root.selfCheck();

  approx(root.time, 0.55);
  assert.is(root.children.length, 4);
  approx(root.children[0].totalSelfTime, 0.1);
  assert.is(root.children[1].identifier, SELF_TIME_FRAME_IDENTIFIER);
  approx(root.children[1].time, 0.3);
  approx(root.children[2].time, 0.1);
  approx(root.children[3].time, 0.05);
  assert.is(root.children[3].identifier, SELF_TIME_FRAME_IDENTIFIER);
});

test("aggregate_repeated_calls adds up repeated calls and sorts by time", () => {
  let root: Frame | null = frame("<module>\x00cibuildwheel/__init__.py\x0012", [
    frame("strip_newlines\x00cibuildwheel/utils.py\x00997", [
      selfTimeFrame(0.1),
      frame("scan_string\x00cibuildwheel/utils.py\x0054", [selfTimeFrame(0.2)]),
    ]),
    selfTimeFrame(0.1),
    frame("strip_newlines\x00cibuildwheel/utils.py\x00997", [selfTimeFrame(0.05)]),
    selfTimeFrame(0.2),
    frame("calculate_metrics\x00cibuildwheel/utils.py\x007", [selfTimeFrame(0.1)]),
    selfTimeFrame(0.05),
  ], PLAIN_CONTEXT);

  calculateFrameTreeTimes(root);
  root.selfCheck();
  approx(root.time, 0.8);

  root = aggregateRepeatedCalls(root, {});
  assert.ok(root);
  root.selfCheck();
  approx(root.time, 0.8);
  // children are sorted by time, longest first
  assert.is(root.children.length, 3);
  assert.is(root.children[0].function, "strip_newlines");
  approx(root.children[0].time, 0.35);
  assert.is(root.children[0].children[0].function, "scan_string");
  assert.is(root.children[1].identifier, SELF_TIME_FRAME_IDENTIFIER);
  approx(root.children[1].time, 0.35);
  assert.is(root.children[2].function, "calculate_metrics");
});

test("remove_irrelevant_nodes deletes frames under 1% of the total", () => {
  let root: Frame | null = frame("<module>\x00cibuildwheel/__init__.py\x0012", [
    frame("strip_newlines\x00cibuildwheel/utils.py\x00997", [
      frame("scan_string\x00cibuildwheel/utils.py\x0054", [selfTimeFrame(10)]),
    ]),
    selfTimeFrame(0.5),
    frame("strip_newlines\x00cibuildwheel/utils.py\x00997", [selfTimeFrame(0.5)]),
    frame("calculate_metrics\x00cibuildwheel/utils.py\x007", [selfTimeFrame(0.01)]),
  ], PLAIN_CONTEXT);

  calculateFrameTreeTimes(root);
  root.selfCheck();
  approx(root.time, 11.01);

  root = removeIrrelevantNodes(root, {});
  assert.ok(root);
  root.selfCheck();
  approx(root.time, 11.01);
  // calculate_metrics was deleted; its time is absorbed by the root
  assert.is(root.children.length, 3);
  assert.not.ok(root.children.map((f) => f.function).includes("calculate_metrics"));
});

test("remove_unnecessary_self_time_nodes absorbs a lone [self] child", () => {
  let root: Frame | null = frame("<module>\x00cibuildwheel/__init__.py\x0012", [
    frame("strip_newlines\x00cibuildwheel/utils.py\x00997", [selfTimeFrame(0.2)]),
    selfTimeFrame(0.5),
    frame("strip_newlines\x00cibuildwheel/utils.py\x00997", [selfTimeFrame(0.5)]),
    frame("calculate_metrics\x00cibuildwheel/utils.py\x007", [selfTimeFrame(0.1)]),
  ], PLAIN_CONTEXT);

  calculateFrameTreeTimes(root);
  root.selfCheck();
  approx(root.time, 1.3);

  root = removeUnnecessarySelfTimeNodes(root, {});
  assert.ok(root);
  root.selfCheck();
  approx(root.time, 1.3);
  assert.is(root.children.length, 4);
  // the [self] frame is gone...
  const stripNewlines = root.children[0];
  assert.is(stripNewlines.function, "strip_newlines");
  assert.is(stripNewlines.children.length, 0);
  // ...and its time was absorbed by its parent
  assert.is(stripNewlines.absorbedTime, 0.2);
  assert.is(stripNewlines.time, 0.2);
});

test("group_library_frames groups library frames down to the exit frame", () => {
  const session = sessionContext(["env/lib/python3.6"], ["env"]);
  let root: Frame | null = frame("<module>\x00cibuildwheel/__init__.py\x0012", [
    frame("library_function\x00env/lib/python3.6/django/__init__.py\x00997", [
      frame("library_inner\x00env/lib/python3.6/django/http.py\x0054", [
        frame("library_callback\x00env/lib/python3.6/django/views.py\x0054", [
          frame("<module>\x00cibuildwheel/views.py\x0012", [selfTimeFrame(0.3)]),
        ]),
      ]),
    ]),
    selfTimeFrame(0.5),
    frame("strip_newlines\x00cibuildwheel/utils.py\x00997", [selfTimeFrame(0.5)]),
    frame("calculate_metrics\x00cibuildwheel/utils.py\x007", [selfTimeFrame(0.1)]),
  ], session);

  calculateFrameTreeTimes(root);
  root.selfCheck();
  approx(root.time, 1.4);

  root = groupLibraryFrames(root, {});
  assert.ok(root);
  root.selfCheck();
  approx(root.time, 1.4);

  const groupRoot = root.children[0];
  const group = groupRoot.group;
  assert.ok(group);
  assert.is(group.root, groupRoot);
  for (const member of group.frames) assert.is(member.group, group);

  assert.ok(group.frames.includes(groupRoot));
  assert.ok(group.frames.includes(groupRoot.children[0]));
  assert.ok(group.frames.includes(groupRoot.children[0].children[0]));
  assert.ok(group.exitFrames.includes(groupRoot.children[0].children[0]));
  assert.not.ok(group.frames.includes(groupRoot.children[0].children[0].children[0]));
});

// ---------------------------------------------------------------------------
// Beyond test_processors.py: the options and the CLI-stem processor.

/** module -> [lib_call (library) -> lib_inner (library) -> app_callback (app)], [self]. */
function libraryTree(): Frame {
  const root = frame("<module>\x00app/main.py\x001", [
    frame("lib_call\x00env/lib/django/core.py\x0010", [
      frame("lib_inner\x00env/lib/django/http.py\x0020", [
        frame("app_callback\x00app/views.py\x005", [selfTimeFrame(0.6)]),
      ]),
    ]),
    frame("helper\x00app/utils.py\x003", [
      frame("helper_inner\x00app/utils.py\x009", [selfTimeFrame(0.4)]),
    ]),
  ], sessionContext(["env/lib"], ["env"]));
  calculateFrameTreeTimes(root);
  return root;
}

test("group_library_frames: hide_regex and show_regex are matched at the start of the path", () => {
  let root = groupLibraryFrames(libraryTree(), { hide_regex: "utils" })!;
  assert.is(root.children[1].group, null, "'utils' does not match at the start of app/utils.py");

  root = groupLibraryFrames(libraryTree(), { hide_regex: ".*utils" })!;
  const helper = root.children[1];
  assert.ok(helper.group);
  // the [self] leaf is not application code either, so it joins the group
  assert.equal(helper.group.frames.map((f) => f.function), ["helper", "helper_inner", "[self]"]);

  root = groupLibraryFrames(libraryTree(), { show_regex: "env/lib/django/" })!;
  assert.is(root.children[0].group, null, "shown library frames are not grouped");

  root = groupLibraryFrames(libraryTree(), { hide_regex: ".*", show_regex: "app/views" })!;
  const libCall = root.children[0];
  assert.ok(libCall.group, "hide applies where show does not match");
  assert.is(libCall.children[0].children[0].group, null, "show wins over hide");
});

test("group_library_frames: a lone library frame is not grouped", () => {
  const root = frame("<module>\x00app/main.py\x001", [
    frame("lib_call\x00env/lib/django/core.py\x0010", [
      frame("app_callback\x00app/views.py\x005", [selfTimeFrame(1)]),
    ]),
  ], sessionContext([], ["env"]));
  calculateFrameTreeTimes(root);
  groupLibraryFrames(root, {});
  assert.is(root.children[0].group, null);
});

test("remove_irrelevant_nodes: filter_threshold sets the cut-off", () => {
  const build = () => {
    const root = frame("<module>\x00app/main.py\x001", [
      frame("big\x00app/main.py\x002", [selfTimeFrame(0.9)]),
      frame("small\x00app/main.py\x003", [selfTimeFrame(0.095)]),
      frame("tiny\x00app/main.py\x004", [selfTimeFrame(0.005)]),
    ], PLAIN_CONTEXT);
    calculateFrameTreeTimes(root);
    return root;
  };
  const names = (root: Frame | null) => root!.children.map((f) => f.function);
  assert.equal(names(removeIrrelevantNodes(build(), {})), ["big", "small"]);
  assert.equal(names(removeIrrelevantNodes(build(), { filter_threshold: 0 })), ["big", "small", "tiny"]);
  const root = removeIrrelevantNodes(build(), { filter_threshold: 0.5 })!;
  assert.equal(names(root), ["big"]);
  approx(root.absorbedTime, 0.1);
  root.selfCheck();

  // a root with no time divides nothing by zero
  const empty = frame("<module>\x00app/main.py\x001", [new Frame("f\x00app/main.py\x002")], PLAIN_CONTEXT);
  assert.equal(names(removeIrrelevantNodes(empty, {})), []);
});

test("remove_first_pyinstrument_frames: drops pyinstrument's own command-line frames", () => {
  const script = frame("<module>\x00/home/u/script.py\x001", [selfTimeFrame(1)]);
  const root = frame("<module>\x00/venv/lib/python3.12/site-packages/pyinstrument/__main__.py\x001", [
    frame("<module>\x00<string>\x001", [
      frame("run_path\x00<frozen runpy>\x00262", [
        frame("_run_module_code\x00/usr/lib/python3.12/runpy.py\x0092", [script]),
      ]),
    ]),
  ], PLAIN_CONTEXT);
  calculateFrameTreeTimes(root);
  const result = removeFirstPyinstrumentFrames(root, {});
  assert.is(result, script);
  assert.is(script.parent, null);

  const plain = frame("<module>\x00/home/u/script.py\x001", [selfTimeFrame(1)], PLAIN_CONTEXT);
  calculateFrameTreeTimes(plain);
  assert.is(removeFirstPyinstrumentFrames(plain, {}), plain);

  // the exec frame must hold most of the time, or nothing is removed
  const mostlyElsewhere = frame("<module>\x00/x/pyinstrument/__main__.py\x001", [
    frame("<module>\x00<string>\x001", [frame("main\x00/home/u/s.py\x001", [selfTimeFrame(0.5)])]),
    frame("report\x00/x/pyinstrument/__main__.py\x0050", [selfTimeFrame(0.5)]),
  ], PLAIN_CONTEXT);
  calculateFrameTreeTimes(mostlyElsewhere);
  assert.is(removeFirstPyinstrumentFrames(mostlyElsewhere, {}), mostlyElsewhere);
});

test.run();

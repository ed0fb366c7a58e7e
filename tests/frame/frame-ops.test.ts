// Frame-tree operations (pyinstrument's html_renderer frameOps.test.ts and frame_ops.py, ported)
// and the Frame basics they rest on: identifiers, attributes, self time, library detection.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { Frame, FrameGroup, type FrameContext } from "../../src/frame/frame.ts";
import { combineFrames, deleteFrameFromTree, removeFrameFromGroups } from "../../src/frame/frame-ops.ts";
import { isLibraryPath, libraryName } from "../../src/frame/library.ts";
import { AWAIT_FRAME_IDENTIFIER, SELF_TIME_FRAME_IDENTIFIER } from "../../src/session/frame-info.ts";

const context: FrameContext = { shortenPath: (path) => path, sysPrefixes: [] };

function tree(identifier: string, time: number, children: Frame[] = [], ctx: FrameContext = context): Frame {
  const frame = new Frame(identifier, time);
  frame.addChildren(children);
  frame.setContext(ctx);
  return frame;
}

// ---------------------------------------------------------------------------
// deleteFrameFromTree

test("deleteFrameFromTree: 'children' puts the children where the frame was", () => {
  const before = new Frame("before");
  const frame = new Frame("frame");
  const after = new Frame("after");
  const child1 = new Frame("child1");
  const child2 = new Frame("child2");
  frame.addChildren([child1, child2]);
  const parent = tree("parent", 0, [before, frame, after]);

  deleteFrameFromTree(frame, "children");

  assert.equal(parent.children.map((f) => f.identifier), ["before", "child1", "child2", "after"]);
  assert.not.ok(parent.children.includes(frame));
  assert.is(child1.parent, parent);
  assert.is(child2.parent, parent);
  assert.is(frame.parent, null);
});

test("deleteFrameFromTree: 'self_time' puts a [self] frame of the same time in its place", () => {
  const frame = new Frame("frame", 3);
  frame.addChild(new Frame("inner", 3));
  const parent = tree("parent", 4, [new Frame("first", 1), frame]);

  deleteFrameFromTree(frame, "self_time");

  assert.is(parent.children.length, 2);
  assert.is(parent.children[1].identifier, SELF_TIME_FRAME_IDENTIFIER);
  assert.is(parent.children[1].time, 3);
  assert.is(parent.children[1].parent, parent);
  assert.is(parent.absorbedTime, 0);
  parent.selfCheck(false);
});

test("deleteFrameFromTree: 'nothing' absorbs the frame's time into the parent", () => {
  const frame = new Frame("frame", 10);
  const parent = tree("parent", 10, [frame]);

  deleteFrameFromTree(frame, "nothing");

  assert.is(parent.children.length, 0);
  assert.is(parent.absorbedTime, 10);
  parent.selfCheck();
});

test("deleteFrameFromTree: the parent also takes the frame's absorbed time, in every mode", () => {
  for (const mode of ["children", "self_time", "nothing"] as const) {
    const frame = new Frame("frame", 2);
    frame.absorbedTime = 0.5;
    frame.addChild(new Frame("[self]", 1.5));
    const parent = tree("parent", 2, [frame]);
    deleteFrameFromTree(frame, mode);
    assert.is(parent.absorbedTime, mode === "nothing" ? 2.5 : 0.5, mode);
  }
});

test("deleteFrameFromTree: deleting the root frame is an error", () => {
  const frame = new Frame("frame");
  assert.throws(() => deleteFrameFromTree(frame, "children"), /Cannot delete the root frame/);
});

test("deleteFrameFromTree: the deleted frame and its subtree leave their groups", () => {
  const libA = new Frame("a\x00lib.js\x001", 1);
  const libB = new Frame("b\x00lib.js\x002", 1);
  const libC = new Frame("c\x00lib.js\x003", 1);
  libA.addChild(libB);
  libB.addChild(libC);
  tree("root", 1, [libA]);
  const group = new FrameGroup(libA);
  group.addFrame(libB);
  group.addFrame(libC);

  deleteFrameFromTree(libB, "nothing");

  // libB and libC left; libA would be alone, so the group dissolves entirely
  assert.is(libB.group, null);
  assert.is(libC.group, null);
  assert.is(libA.group, null);
  assert.is(group.frames.length, 0);
});

test("deleteFrameFromTree: 'children' keeps the children in their group", () => {
  const libA = new Frame("a\x00lib.js\x001", 1);
  const libB = new Frame("b\x00lib.js\x002", 1);
  const libC = new Frame("c\x00lib.js\x003", 1);
  const libD = new Frame("d\x00lib.js\x004", 1);
  libA.addChild(libB);
  libB.addChild(libC);
  libC.addChild(libD);
  tree("root", 1, [libA]);
  const group = new FrameGroup(libA);
  for (const frame of [libB, libC, libD]) group.addFrame(frame);

  deleteFrameFromTree(libB, "children");

  assert.is(libB.group, null);
  assert.equal(group.frames, [libA, libC, libD]);
  assert.is(libC.parent, libA);
});

test("removeFrameFromGroups: non-recursive leaves the children's groups alone", () => {
  const a = new Frame("a", 1);
  const b = new Frame("b", 1);
  const c = new Frame("c", 1);
  a.addChild(b);
  b.addChild(c);
  const group = new FrameGroup(a);
  group.addFrame(b);
  group.addFrame(c);

  removeFrameFromGroups(b, false);
  assert.is(b.group, null);
  assert.is(c.group, group);
  assert.equal(group.frames, [a, c]);

  removeFrameFromGroups(a, true);
  assert.is(a.group, null);
  assert.is(c.group, null, "a one-frame group dissolves");
});

// ---------------------------------------------------------------------------
// combineFrames

test("combineFrames merges time, absorbed time, attributes and children into a sibling", () => {
  const into = new Frame("f\x00a.py\x001\x01cA", 1);
  into.absorbedTime = 0.25;
  into.addChild(new Frame("x", 0.75));
  const frame = new Frame("f\x00a.py\x001\x01cB\x01cA", 2);
  frame.absorbedTime = 0.5;
  const movedChild = new Frame("y", 1.5);
  frame.addChild(movedChild);
  const parent = tree("parent", 3, [into, frame]);

  combineFrames(frame, into);

  assert.equal(parent.children, [into]);
  assert.is(into.time, 3);
  assert.is(into.absorbedTime, 0.75);
  assert.equal([...into.attributes], [["cA", 3], ["cB", 2]]);
  assert.equal(into.children.map((f) => f.identifier), ["x", "y"]);
  assert.is(movedChild.parent, into);
  assert.is(frame.parent, null);
  parent.selfCheck(false);
});

test("combineFrames refuses frames that are not siblings", () => {
  const a = new Frame("a");
  const b = new Frame("b");
  tree("p", 0, [a]);
  assert.throws(() => combineFrames(b, a), /siblings/);
});

// ---------------------------------------------------------------------------
// Frame basics

test("a frame info splits into identifier parts and attributes", () => {
  const frame = new Frame("render\x00/app/views.py\x0042\x01cView\x01l57", 0.5);
  assert.is(frame.identifier, "render\x00/app/views.py\x0042");
  assert.is(frame.function, "render");
  assert.is(frame.filePath, "/app/views.py");
  assert.is(frame.lineNo, 42);
  assert.equal([...frame.attributes], [["cView", 0.5], ["l57", 0.5]]);
  assert.is(frame.time, 0.5);

  const self = new Frame(SELF_TIME_FRAME_IDENTIFIER, 1);
  assert.is(self.function, "[self]");
  assert.is(self.filePath, null);
  assert.is(self.lineNo, null);
  assert.ok(self.isSynthetic);
  assert.ok(self.isSyntheticLeaf);
  assert.equal([...self.attributes], []);

  const root = new Frame("[root]");
  assert.ok(root.isSynthetic);
  assert.not.ok(root.isSyntheticLeaf);
});

test("className and other attributes take the most observed value; ties go to the first seen", () => {
  const frame = new Frame("method\x00a.py\x001\x01cBase", 1);
  frame.recordTime("method\x00a.py\x001\x01cChild", 2);
  frame.recordTime("method\x00a.py\x001\x01cBase", 0.5);
  assert.is(frame.className, "Child");
  assert.is(frame.time, 3.5);
  frame.recordTime("method\x00a.py\x001\x01cBase", 0.5);
  assert.is(frame.className, "Base", "2.0 each: the first observed wins");

  assert.is(new Frame("f\x00a.py\x001").className, null);
  assert.is(new Frame("f\x00a.py\x001\x01l3").attributeValue("l"), "3");
  assert.ok(new Frame("f\x00a.py\x001\x01h1").hasTracebackhide);
  assert.not.ok(new Frame("f\x00a.py\x001\x01h0").hasTracebackhide);
  assert.not.ok(new Frame("f\x00a.py\x001").hasTracebackhide);
});

test("totalSelfTime counts synthetic children and absorbed time, not real children", () => {
  const frame = tree("f\x00a.py\x001", 10, [
    new Frame("g\x00a.py\x005", 4),
    new Frame(SELF_TIME_FRAME_IDENTIFIER, 3),
    new Frame(AWAIT_FRAME_IDENTIFIER, 2),
  ]);
  frame.absorbedTime = 1;
  assert.is(frame.totalSelfTime, 6);
  frame.selfCheck(false);
});

test("proportionOfParent and awaitTime", () => {
  const inner = new Frame("g\x00a.py\x005", 2);
  inner.addChild(new Frame(AWAIT_FRAME_IDENTIFIER, 1.5));
  inner.addChild(new Frame(SELF_TIME_FRAME_IDENTIFIER, 0.5));
  const root = tree("f\x00a.py\x001", 4, [inner, new Frame(AWAIT_FRAME_IDENTIFIER, 2)]);
  assert.is(root.proportionOfParent, 1);
  assert.is(inner.proportionOfParent, 0.5);
  assert.is(root.awaitTime(), 3.5);
  assert.is(inner.awaitTime(), 1.5);

  const zero = tree("z", 0, [new Frame("y", 0)]);
  assert.ok(Number.isNaN(zero.children[0].proportionOfParent));
});

test("selfCheck throws when a frame's time is not its children's plus absorbed time", () => {
  const frame = tree("f", 2, [new Frame(SELF_TIME_FRAME_IDENTIFIER, 1)]);
  assert.throws(() => frame.selfCheck(), /time mismatch/);
  frame.absorbedTime = 1;
  frame.selfCheck();
});

test("addChild: after positions the frame, a frame moves from its old parent, leaves refuse children", () => {
  const a = new Frame("a");
  const b = new Frame("b");
  const c = new Frame("c");
  const parent = tree("p", 0, [a, c]);
  parent.addChild(b, a);
  assert.equal(parent.children.map((f) => f.identifier), ["a", "b", "c"]);

  const other = tree("q", 0);
  other.addChild(b);
  assert.equal(parent.children.map((f) => f.identifier), ["a", "c"]);
  assert.is(b.parent, other);
  assert.is(b.getContext(), other.getContext());

  parent.addChildren([new Frame("x"), new Frame("y")], a);
  assert.equal(parent.children.map((f) => f.identifier), ["a", "x", "y", "c"]);

  assert.throws(() => new Frame(SELF_TIME_FRAME_IDENTIFIER).addChild(new Frame("z")), /leaf/);
  assert.throws(() => new Frame(AWAIT_FRAME_IDENTIFIER).addChild(new Frame("z")), /leaf/);
});

test("filePathShort comes from the context; synthetic frames show their parent's", () => {
  const ctx: FrameContext = { shortenPath: (path) => path.replace("/home/u/proj/", ""), sysPrefixes: [] };
  const frame = tree("f\x00/home/u/proj/app.py\x003", 1, [new Frame(SELF_TIME_FRAME_IDENTIFIER, 1)], ctx);
  assert.is(frame.filePathShort, "app.py");
  assert.is(frame.codePositionShort(), "app.py:3");
  assert.is(frame.children[0].filePathShort, "app.py");
  assert.is(frame.children[0].codePositionShort(), "app.py");

  const builtin = tree("sleep\x00<built-in>\x000", 1, [], ctx);
  assert.is(builtin.codePositionShort(), "<built-in>", "line 0 is left out");
  assert.is(tree("foo", 1, [], ctx).filePathShort, null);
  assert.throws(() => new Frame("f\x00a.py\x001").filePathShort, /no context/);
});

test("isApplicationCode for Python paths", () => {
  const ctx: FrameContext = { shortenPath: (p) => p, sysPrefixes: ["/usr/lib/python3.11", "/home/u/venv"] };
  const code = (identifier: string) => tree(identifier, 1, [], ctx).isApplicationCode;
  assert.ok(code("main\x00/home/u/proj/app.py\x001"));
  assert.not.ok(code("loads\x00/usr/lib/python3.11/json/__init__.py\x00274"));
  assert.not.ok(code("get\x00/home/u/venv/lib/python3.11/site-packages/requests/api.py\x0062"));
  assert.not.ok(code("sleep\x00<built-in>\x000"));
  assert.not.ok(code("_find_and_load\x00<frozen importlib._bootstrap>\x001"));
  assert.ok(code("<module>\x00<ipython-input-3-1a2b>\x001"));
  assert.not.ok(code("[self]"));
  assert.not.ok(code("[root]"));
  assert.not.ok(code("no_path"));

  // eval'd code counts as its caller's; at the root (`python -c`) it is application code
  assert.ok(code("<module>\x00<string>\x001"));
  const fromApp = tree("main\x00/home/u/proj/app.py\x001", 1, [new Frame("<module>\x00<string>\x001", 1)], ctx);
  assert.ok(fromApp.children[0].isApplicationCode);
  const fromLib = tree("run\x00/usr/lib/python3.11/runpy.py\x0080", 1, [new Frame("<module>\x00<stdin>\x001", 1)], ctx);
  assert.not.ok(fromLib.children[0].isApplicationCode);
});

test("isApplicationCode for JavaScript paths", () => {
  const code = (identifier: string) => tree(identifier, 1).isApplicationCode;
  assert.ok(code("main\x00/home/u/proj/src/main.ts\x001"));
  assert.ok(code("main\x00C:\\proj\\src\\main.js\x001"));
  assert.not.ok(code("chunk\x00/home/u/proj/node_modules/lodash/lodash.js\x0010"));
  assert.not.ok(code("parse\x00/home/u/proj/node_modules/@babel/parser/lib/index.js\x001"));
  assert.not.ok(code("x\x00C:\\proj\\node_modules\\pkg\\index.js\x001"));
  assert.not.ok(code("x\x00node_modules/pkg/index.js\x001"));
  assert.not.ok(code("readFileSync\x00node:fs\x00440"));
  assert.not.ok(code("Module._load\x00node:internal/modules/cjs/loader\x001000"));
  assert.not.ok(code("op\x00ext:core/01_core.js\x0010"));
  assert.not.ok(code("query\x00bun:sqlite\x001"));
  assert.not.ok(code("now\x00<native>\x000"));
  assert.not.ok(code("[idle]"));
  assert.not.ok(code("[gc]"));
  assert.not.ok(code("[native]"));
  assert.ok(isLibraryPath("/a/node_modules/b/c.js"));
  assert.not.ok(isLibraryPath("/a/my_node_modules/b.js"));
});

test("libraryName names packages, scoped packages and runtimes", () => {
  assert.is(libraryName("node_modules/@scope/pkg/x.js"), "@scope/pkg");
  assert.is(libraryName("/home/u/proj/node_modules/@scope/pkg/lib/x.js"), "@scope/pkg");
  assert.is(libraryName("node_modules/lodash/lodash.js"), "lodash");
  assert.is(libraryName("/p/node_modules/outer/node_modules/inner/index.js"), "inner");
  assert.is(libraryName("/p/node_modules/outer/node_modules/@s/inner/index.js"), "@s/inner");
  assert.is(libraryName("C:\\p\\node_modules\\@scope\\pkg\\x.js"), "@scope/pkg");
  assert.is(libraryName("node:fs"), "node");
  assert.is(libraryName("node:internal/modules/cjs/loader"), "node");
  assert.is(libraryName("ext:core/01_core.js"), "deno");
  assert.is(libraryName("bun:sqlite"), "bun");
  // Python paths: the first component, as pyinstrument shows them
  assert.is(libraryName("json/__init__.py"), "json");
  assert.is(libraryName("django/core/handlers/base.py"), "django");
  assert.is(libraryName("six.py"), "six");
});

test("FrameGroup: exitFrames are members with a child outside the group", () => {
  const a = new Frame("a", 1);
  const b = new Frame("b", 1);
  const app = new Frame("app", 1);
  const c = new Frame("c", 0);
  a.addChild(b);
  b.addChild(app);
  a.addChild(c);
  const group = new FrameGroup(a);
  group.addFrame(b);
  group.addFrame(c);
  assert.is(group.root, a);
  assert.equal(group.exitFrames, [b]);
  assert.type(group.id, "string");
  assert.is.not(new FrameGroup(new Frame("z")).id, group.id);

  group.removeFrame(c);
  assert.is(c.group, null);
  assert.equal(group.frames, [a, b]);
});

test.run();

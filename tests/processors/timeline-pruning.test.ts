// Timelines of long profiles leave out of the tree the nodes that `removeIrrelevantNodes` deletes
// anyway (see `TreePruning`). Whatever the removals and `[self]` merging do first, the processed
// tree must be exactly the one built in full and processed frame by frame.
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Frame } from "../../src/frame/frame.ts";
import { processSession } from "../../src/processors/plan.ts";
import { callTreeProcessors, type Processor, timelineProcessors } from "../../src/processors/processors.ts";
import { FrameTable } from "../../src/session/frame-table.ts";
import { Session } from "../../src/session/session.ts";
import { StackTable } from "../../src/session/stack-table.ts";
import { rng } from "../../bench/random.ts";

/**
 * Random walks over a small call graph where module-loader frames, frames hidden from
 * tracebacks (some of their infos only), and short runs between `[self]` time are common, so that
 * removals bring `[self]` frames next to each other around tiny nodes.
 */
function session(seed: number, sampleCount: number): Session {
  const rand = rng(seed);
  const frames = new FrameTable();
  const stacks = new StackTable();
  const infos = [
    ...Array.from({ length: 8 }, (_, i) => `app${i}\x00/p/src/a${i % 3}.ts\x00${i + 1}`),
    ...Array.from({ length: 3 }, (_, i) => `loader${i}\x00node:internal/modules/esm/m${i}\x00${i + 1}`),
    "hidden\x00/p/src/h.ts\x001\x01h1",
    "hidden\x00/p/src/h.ts\x001\x01h0",
    "cls\x00/p/src/c.ts\x004\x01cThing",
  ].map((info) => frames.intern(info));
  const gc = frames.intern("[gc]");
  const root = stacks.intern(stacks.intern(-1, frames.intern("main\x00<thread>\x000")), frames.intern("<module>\x00/p/src/main.ts\x001"));
  const sampleStack = new Int32Array(sampleCount);
  const sampleWeight = new Float64Array(sampleCount);
  let stack = [root];
  for (let i = 0; i < sampleCount; i++) {
    const move = rand();
    if (move < 0.3 && stack.length < 12) stack = [...stack, stacks.intern(stack[stack.length - 1], infos[Math.floor(rand() * infos.length)])];
    else if (move < 0.55 && stack.length > 1) stack = stack.slice(0, 1 + Math.floor(rand() * (stack.length - 1)));
    sampleStack[i] = rand() < 0.05 ? stacks.intern(stack[stack.length - 1], gc) : stack[stack.length - 1];
    // Mostly ~1 ms, sometimes long: a few nodes sit right at a threshold.
    sampleWeight[i] = rand() < 0.05 ? 0.002 + rand() * 0.05 : (900 + Math.floor(rand() * 200)) / 1e6;
  }
  return new Session({
    startTime: 0,
    duration: sampleWeight.reduce((a, b) => a + b, 0),
    minInterval: 0.001,
    maxInterval: 0.001,
    sampleCount,
    startCallStack: ["main\x00<thread>\x000"],
    targetDescription: "t",
    cpuTime: 0,
    sysPath: ["/p"],
    sysPrefixes: [],
  }, { frames, stacks, sampleStack, sampleWeight });
}

/** Every number and name of a tree, in order. */
function shape(frame: Frame | null): string {
  if (!frame) return "null";
  const out: string[] = [];
  const walk = (node: Frame, depth: number) => {
    const attributes = [...node.attributes].map(([name, time]) => `${name}=${time}`).join(",");
    out.push(`${depth} ${JSON.stringify(node.identifier)} ${node.time} ${node.absorbedTime} ${attributes}`);
    for (const child of node.children) walk(child, depth + 1);
  };
  walk(frame, 0);
  return out.join("\n");
}

/** The tree built in full and processed one frame at a time. */
function unpruned(source: Session, processors: readonly Processor[], threshold: number): Frame | null {
  let frame = source.rootFrame({ shape: "chronological" });
  for (const processor of processors) frame = processor(frame, { filter_threshold: threshold });
  return frame;
}

const consoleTimeline = () => callTreeProcessors().filter((p) => p.name !== "aggregateRepeatedCalls");

test("pruned timelines process to exactly the full tree's result", () => {
  let pruned = 0;
  for (let seed = 1; seed <= 40; seed++) {
    const source = session(seed, 300 + seed * 40);
    for (const threshold of [0.001, 0.01, 0.03, 0.1, 0.3]) {
      for (const processors of [timelineProcessors(), consoleTimeline()]) {
        const expected = shape(unpruned(source, processors, threshold));
        const actual = shape(processSession(source, processors, { filter_threshold: threshold }));
        assert.fixture(actual, expected, `seed ${seed}, threshold ${threshold}`);
        pruned++;
      }
    }
  }
  assert.is(pruned, 400);
});

test("pruning leaves out most of a long timeline's frames", () => {
  const source = session(7, 20000);
  const count = (frame: Frame | null): number => (frame ? 1 + frame.children.reduce((n, c) => n + count(c), 0) : 0);
  const full = count(source.rootFrame({ shape: "chronological" }));
  const processors = timelineProcessors();
  const pruning = source.rootFrame({
    shape: "chronological",
    pruning: { minTime: 0.01 * source.samples.sampleWeight.reduce((a, b) => a + b, 0), keepNodes: { isReshaped: () => false } },
  });
  assert.ok(count(pruning) * 2 < full, `${count(pruning)} of ${full}`);
  assert.ok(processSession(source, processors, {}) !== null);
});

test.run();

// Timeline reports of long profiles (`--timeline` text and speedscope), as rendered now against
// the same renderers with every node of the chronological tree made into a Frame and the
// processors run frame by frame (how these reports were built before nodes below the threshold
// were left out). Side by side in one process, interleaved; checks that both give the same bytes.
//   node --max-old-space-size=8192 --import tsx bench/timeline.bench.ts   (also: deno run -A, bun)
// BENCH_SAMPLES (default 1,000,000) samples of the generated `.cpuprofile` (bench/gen-sessions.ts).
import process from "node:process";
import type { Frame } from "../src/frame/frame.ts";
import { ConsoleRenderer } from "../src/renderers/console.ts";
import type { FrameRenderer } from "../src/renderers/base.ts";
import { SpeedscopeRenderer } from "../src/renderers/speedscope.ts";
import { detectRuntime } from "../src/runtime/detect.ts";
import { Session } from "../src/session/session.ts";
import { ensureProfile } from "./gen-sessions.ts";

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 1_000_000);
const REPS = Number(process.env.BENCH_REPS ?? 3);

/** The tree as the renderer's processors make it from every node, one frame at a time. */
function fullTree(renderer: FrameRenderer, session: Session): Frame | null {
  let frame = session.rootFrame({ shape: "chronological" });
  for (const processor of renderer.processors) frame = processor(frame, renderer.processorOptions);
  return frame;
}

function withFullTree<R extends FrameRenderer>(renderer: R): R {
  renderer.preprocess = (session: Session) => fullTree(renderer, session);
  return renderer;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const path = ensureProfile({ kind: "cpuprofile-node", samples: SAMPLES }, (message) => console.log(message));
const session = Session.load(path);
console.log(`${detectRuntime()}: ${path.split("/").pop()}, ${session.sampleCount} samples, ${REPS} interleaved runs each`);
const cases: Array<[string, () => FrameRenderer]> = [
  ["--timeline text", () => new ConsoleRenderer({ timeline: true, unicode: true })],
  ["speedscope", () => new SpeedscopeRenderer()],
];
for (const [name, make] of cases) {
  const now: number[] = [];
  const full: number[] = [];
  for (let rep = 0; rep < REPS; rep++) {
    let t = performance.now();
    const pruned = make().render(session);
    now.push(performance.now() - t);
    t = performance.now();
    const reference = withFullTree(make()).render(session);
    full.push(performance.now() - t);
    if (pruned !== reference) throw new Error(`${name}: the outputs differ`);
  }
  const [a, b] = [median(now), median(full)];
  console.log(`${name.padEnd(16)} ${(a / 1000).toFixed(2)} s, with every node made a Frame ${(b / 1000).toFixed(2)} s (${(a / b).toFixed(2)}x); same output`);
}
const t = performance.now();
new ConsoleRenderer({ unicode: true }).render(session);
console.log(`for scale, the call-tree text report: ${((performance.now() - t) / 1000).toFixed(2)} s`);

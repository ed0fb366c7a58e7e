// Time of each step of a `?profile` request (start; collect + import; render the page as the bytes
// to send), through the web integration's own calls, in two regimes measured in one run: "busy",
// where the server does 50 requests' worth of other work between two profiled requests (as with
// one in fifty profiled, so the report's code stays cold, as in requests.bench.ts), and "back to
// back", where nothing else runs in between. The profile is read in a task of its own, so "collect
// + import" includes one turn of the event loop (with no I/O waiting here). Means in µs, after 40
// requests of warm-up.
//   node --import tsx bench/request-report.bench.ts   (also: deno run -A, bun; REQUESTS=n)
import { type Recording, WebProfiler } from "../src/integrations/core.ts";
import { HTMLRenderer } from "../src/renderers/html/html-renderer.ts";
import { detectRuntime } from "../src/runtime/detect.ts";
import { iterationsFor, work } from "./work.ts";

const REQUESTS = Number(process.env.REQUESTS ?? 240);
const WARMUP = 40;
const STEPS = ["start", "collect + import", "render"] as const;
type Step = (typeof STEPS)[number];

const handlerIterations = iterationsFor(0.2);
const web = new WebProfiler({ enabled: true });
let retained: unknown[] = [];

/** What a server does between two profiled requests: handlers, and short-lived garbage. */
function otherRequests(count: number): void {
  for (let k = 0; k < count; k++) {
    work(handlerIterations);
    retained.push(JSON.parse(JSON.stringify({ k, path: `/item/${k}`, text: "x".repeat(200), list: [1, 2, 3] })));
  }
  if (retained.length > 20_000) retained = [];
}

async function profiledRequest(times: Record<Step, number[]>): Promise<void> {
  let mark = performance.now();
  const lap = (step: Step) => {
    const now = performance.now();
    times[step].push(now - mark);
    mark = now;
  };
  const plan = await web.plan(undefined, "GET", "/item/1?profile");
  const recording = await web.start(plan!);
  if (recording === null || "busy" in recording) throw new Error("the request was not profiled");
  lap("start");
  work(handlerIterations);
  mark = performance.now();
  const session = await (recording as Recording).profiler.stop();
  recording.release();
  lap("collect + import");
  new HTMLRenderer().renderBytes(session);
  lap("render");
}

async function measure(othersBetween: number): Promise<Record<Step, number>> {
  const times = Object.fromEntries(STEPS.map((step) => [step, [] as number[]])) as Record<Step, number[]>;
  for (let i = 0; i < REQUESTS; i++) {
    otherRequests(othersBetween);
    await profiledRequest(times);
  }
  const mean = (values: number[]) => values.slice(WARMUP).reduce((sum, v) => sum + v, 0) / (values.length - WARMUP);
  return Object.fromEntries(STEPS.map((step) => [step, mean(times[step]) * 1000])) as Record<Step, number>;
}

const busy = await measure(50);
const backToBack = await measure(0);
const total = (means: Record<Step, number>) => STEPS.reduce((sum, step) => sum + means[step], 0);
console.log(`${detectRuntime()}: a ?profile request's time per step, mean of ${REQUESTS - WARMUP} (µs)`);
console.log(`${"".padEnd(14)}${STEPS.map((step) => step.padStart(18)).join("")}${"total".padStart(10)}`);
for (const [name, means] of [["busy", busy], ["back to back", backToBack]] as const) {
  console.log(`${name.padEnd(14)}${STEPS.map((step) => means[step].toFixed(0).padStart(18)).join("")}${total(means).toFixed(0).padStart(10)}`);
}

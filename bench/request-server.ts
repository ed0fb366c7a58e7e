// The server of requests.bench.ts, one process per variant so that the two don't share a
// thread or JIT state: a small fetch handler on 127.0.0.1, with `withProfiler` when the first
// argument is "profiled", or with only what no `?profile` support can avoid when it is "floor";
// the second argument is how many iterations of work each request does. Prints
// its URL; each line on stdin asks for the CPU time so far of the process and of its main thread
// (µs; the thread's is read from /proc, -1 where there is none); serves until stdin closes.
import { readFileSync } from "node:fs";
import process from "node:process";
import { htmlHeaders } from "../src/integrations/core.ts";
import { withProfiler } from "../src/integrations/fetch.ts";
import { HTMLRenderer } from "../src/renderers/html/html-renderer.ts";
import { createRequestSampler } from "../src/runtime/index.ts";
import { Session } from "../src/session/session.ts";
import { serveFetch } from "../tests/fixtures/servers/serve.ts";
import { work } from "./work.ts";

const [mode, iterationsArgument] = process.argv.slice(2);
const iterations = Number(iterationsArgument);

async function app(request: Request): Promise<Response> {
  const url = new URL(request.url);
  const result = work(iterations);
  return new Response(JSON.stringify({ path: url.pathname, ok: true, result }), { headers: { "content-type": "application/json" } });
}

/**
 * The least that answering `?profile` costs on this runtime: its sampler around the request,
 * started as the middleware starts it, and a page of a report's size, but no reading of the
 * profile and no report.
 */
function floor(handler: (request: Request) => Promise<Response>): (request: Request) => Promise<Response> {
  const empty = Session.fromJSON({ start_time: 0, duration: 0, sample_count: 0, start_call_stack: [], target_description: "GET /", cpu_time: 0, frame_records: [] });
  const page = new HTMLRenderer().renderBytes(empty);
  return async (request) => {
    if (!request.url.includes("?profile")) return handler(request);
    const sampler = createRequestSampler();
    await null;
    let sampling = true;
    try {
      sampler.start(0.001);
    } catch {
      sampling = false; // Bun's single profiler is taken by another request
    }
    await (await handler(request)).arrayBuffer();
    if (sampling) await sampler.stop();
    return new Response(page, { headers: htmlHeaders() });
  };
}

const wrappers: Record<string, (handler: typeof app) => (request: Request) => Promise<Response>> = {
  plain: (handler) => handler,
  profiled: (handler) => withProfiler(handler, { enabled: true }),
  floor,
};
const server = await serveFetch(wrappers[mode](app));
process.stdout.write(`${server.url}\n`);
process.stdin.setEncoding("utf8");
process.stdin.on("data", () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`${user + system} ${mainThreadMicros()}\n`);
});
process.stdin.on("end", async () => {
  await server.close();
  process.exit(0);
});

/** The main thread's CPU time, from Linux's per-thread stat (user + system, in clock ticks). */
function mainThreadMicros(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return -1;
  }
}

// Load test of the web integration: the same fetch handler served on 127.0.0.1 with and without
// withProfiler, 2,000 requests, 20 at a time, one in fifty with `?profile`, sent by a Node client
// in its own process. Reports errors and the p50/p99 latency of the unprofiled requests against
// the server without the middleware, over alternating rounds (drift hits both alike).
//   node --import tsx bench/requests.bench.ts      (also: deno run -A, bun; ROUNDS=n)
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { withProfiler } from "../src/integrations/fetch.ts";
import { detectRuntime } from "../src/runtime/detect.ts";
import { serveFetch } from "../tests/fixtures/servers/serve.ts";

const TOTAL = Number(process.env.REQUESTS ?? 2000);
const CONCURRENCY = 20;
const PROFILE_EVERY = 50;
const WARMUP = 500;
const CLIENT = fileURLToPath(new URL("./load-client.mjs", import.meta.url));

function work(ms: number): number {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}

async function app(request: Request): Promise<Response> {
  const url = new URL(request.url);
  work(0.2);
  return new Response(JSON.stringify({ path: url.pathname, ok: true }), { headers: { "content-type": "application/json" } });
}

interface Result { plain: number[]; profiled: number[]; errors: number }

/** One round from a fresh client process. */
function load(url: string, profileEvery: number): Promise<Result> {
  return new Promise((resolve, reject) => {
    const args = [CLIENT, url, String(TOTAL), String(CONCURRENCY), String(profileEvery), String(WARMUP)];
    const client = spawn("node", args, { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    client.stdout.on("data", (chunk) => (out += chunk));
    client.on("error", reject);
    client.on("close", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load client exited with ${code}`))));
  });
}

function pct(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function main(): Promise<void> {
  const runtime = detectRuntime();
  const baseline = await serveFetch(app);
  const profiledServer = await serveFetch(withProfiler(app, { enabled: true }));
  const rounds = Number(process.env.ROUNDS ?? 5);
  const base: Result[] = [];
  const prof: Result[] = [];
  for (let r = 0; r < rounds; r++) {
    base.push(await load(baseline.url, 0));
    prof.push(await load(profiledServer.url, PROFILE_EVERY));
  }
  await baseline.close();
  await profiledServer.close();
  const merge = (results: Result[]) => ({
    plain: results.flatMap((r) => r.plain),
    profiled: results.flatMap((r) => r.profiled),
    errors: results.reduce((n, r) => n + r.errors, 0),
  });
  const b = merge(base);
  const p = merge(prof);
  const line = (name: string, values: number[]) => `${name.padEnd(34)} p50 ${fmt(pct(values, 50)).padStart(10)}  p99 ${fmt(pct(values, 99)).padStart(10)}  (n=${values.length})`;
  console.log(`${runtime}: ${rounds} rounds x ${TOTAL} requests, ${CONCURRENCY} at a time, 1 in ${PROFILE_EVERY} with ?profile`);
  console.log(line("without middleware", b.plain));
  console.log(line("with middleware, unprofiled", p.plain));
  console.log(line("with middleware, ?profile", p.profiled));
  const d50 = (pct(p.plain, 50) / pct(b.plain, 50) - 1) * 100;
  const d99 = (pct(p.plain, 99) / pct(b.plain, 99) - 1) * 100;
  console.log(`unprofiled vs baseline: p50 ${d50 >= 0 ? "+" : ""}${d50.toFixed(1)}%, p99 ${d99 >= 0 ? "+" : ""}${d99.toFixed(1)}%  (goal: within 5%)`);
  console.log(`errors: baseline ${b.errors}, with middleware ${p.errors}  (goal: 0)`);
}

await main();

// Load test of the web integration: the same fetch handler served on 127.0.0.1 with and without
// withProfiler, 2,000 requests, 20 at a time, one in fifty with `?profile`. Reports errors and the
// p50/p99 latency of the unprofiled requests against the server without the middleware.
//   node --import tsx bench/requests.bench.ts      (also: deno run -A, bun)
import { withProfiler } from "../src/integrations/fetch.ts";
import { detectRuntime } from "../src/runtime/detect.ts";
import { serveFetch } from "../tests/fixtures/servers/serve.ts";

const TOTAL = Number(process.env.REQUESTS ?? 2000);
const CONCURRENCY = 20;
const PROFILE_EVERY = 50;
const LIMIT_MS = 120_000;

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

interface Result { plain: number[]; profiled: number[]; errors: number; seconds: number }

async function load(url: string, withProfiles: boolean): Promise<Result> {
  const plain: number[] = [];
  const profiled: number[] = [];
  let errors = 0;
  let next = 0;
  const deadline = Date.now() + LIMIT_MS;
  const started = performance.now();
  const worker = async () => {
    while (next < TOTAL && Date.now() < deadline) {
      const i = next++;
      const profile = withProfiles && i % PROFILE_EVERY === PROFILE_EVERY - 1;
      const t0 = performance.now();
      try {
        const response = await fetch(`${url}/item/${i}${profile ? "?profile" : ""}`, { signal: AbortSignal.timeout(30_000) });
        const body = await response.text();
        const ok = response.status === 200 && (profile ? body.includes("<html") || body.startsWith("<!DOCTYPE") : body.includes('"ok":true'));
        if (!ok) errors++;
      } catch {
        errors++;
      }
      (profile ? profiled : plain).push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (plain.length + profiled.length < TOTAL) errors += TOTAL - plain.length - profiled.length;
  return { plain, profiled, errors, seconds: (performance.now() - started) / 1000 };
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
  // Warm both up (JIT, connections), then alternate rounds so drift hits both alike.
  await load(baseline.url, false);
  await load(profiledServer.url, true);
  const rounds = Number(process.env.ROUNDS ?? 3);
  const base: Result[] = [];
  const prof: Result[] = [];
  for (let r = 0; r < rounds; r++) {
    base.push(await load(baseline.url, false));
    prof.push(await load(profiledServer.url, true));
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

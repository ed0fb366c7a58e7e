// The load client of requests.bench.ts, run with Node in a process of its own so that its work
// and the server's don't share an event loop: sends TOTAL requests to URL, CONCURRENCY at a time,
// every PROFILE_EVERY-th with `?profile` (0: none), and prints the latencies as JSON.
// A first pass of WARMUP unprofiled requests (not counted) opens the connections and warms the JIT.
//   node bench/load-client.mjs URL TOTAL CONCURRENCY PROFILE_EVERY WARMUP
const [url, totalText, concurrencyText, everyText, warmupText] = process.argv.slice(2);
const warmup = Number(warmupText ?? 0);
let total = warmup;
const concurrency = Number(concurrencyText);
let profileEvery = 0;
const deadline = Date.now() + 120_000;

const plain = [];
const profiled = [];
let errors = 0;
let next = 0;

async function worker() {
  while (next < total && Date.now() < deadline) {
    const i = next++;
    const profile = profileEvery > 0 && i % profileEvery === profileEvery - 1;
    const started = performance.now();
    try {
      const response = await fetch(`${url}/item/${i}${profile ? "?profile" : ""}`, { signal: AbortSignal.timeout(30_000) });
      const body = await response.text();
      const ok = response.status === 200 && (profile ? body.startsWith("<!DOCTYPE") : body.includes('"ok":true'));
      if (!ok) errors++;
    } catch {
      errors++;
    }
    (profile ? profiled : plain).push(performance.now() - started);
  }
}

await Promise.all(Array.from({ length: concurrency }, worker));
plain.length = profiled.length = errors = next = 0;
total = Number(totalText);
profileEvery = Number(everyText);
await Promise.all(Array.from({ length: concurrency }, worker));
errors += total - plain.length - profiled.length;
process.stdout.write(JSON.stringify({ plain, profiled, errors }));

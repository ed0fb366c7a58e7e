// The load client of requests.bench.ts, run with Node in a process of its own so that its work
// and the servers' don't share an event loop. Sends ROUNDS rounds of PER_ROUND requests,
// CONCURRENCY at a time, alternating between the servers at BASE_URL and TEST_URL (rounds are
// short, so that the machine's drift hits both alike), every PROFILE_EVERY-th request to the
// test server with `?profile`. A first round of WARMUP requests to each (not counted) opens the
// connections and warms the JIT. With LOAD 0 the requests go back to back (the servers are
// saturated); with LOAD between 0 and 1 they are paced at that share of the rate the server
// without the middleware reaches back to back once warm, and a request's latency counts from the
// moment it was due, so that time spent waiting for a free connection is not hidden. Prints the
// latencies, the paced rate and which requests overlapped profiled ones, as JSON.
//   node bench/load-client.mjs BASE_URL TEST_URL ROUNDS PER_ROUND CONCURRENCY PROFILE_EVERY WARMUP LOAD
const [baseUrl, testUrl, ...numbers] = process.argv.slice(2);
const [rounds, perRound, concurrency, profileEvery, warmup, load] = numbers.map(Number);
const deadline = Date.now() + 10 * 60_000;

const DOCTYPE = new TextEncoder().encode("<!DOCTYPE");
const startsWithDoctype = (buffer) => DOCTYPE.every((byte, i) => new Uint8Array(buffer, 0, DOCTYPE.length)[i] === byte);

/** Requests per millisecond to pace at, or 0 for back to back. */
let pace = 0;

/** Every request to the test server once warm: [sent, answered, profiled], in ms. */
const testRequests = [];

async function round(url, total, every, record = false) {
  const plain = [];
  const profiled = [];
  let errors = 0;
  let next = 0;
  const roundStart = performance.now();
  const worker = async () => {
    while (next < total && Date.now() < deadline) {
      const i = next++;
      const profile = every > 0 && i % every === every - 1;
      // Paced, a request that is due counts from then (it waited for a free connection); one
      // not yet due counts from when it is sent, so that the timer's lateness is left out.
      let started = pace > 0 ? roundStart + i / pace : performance.now();
      if (started > performance.now()) {
        await new Promise((resolve) => setTimeout(resolve, started - performance.now()));
        started = performance.now();
      }
      try {
        const response = await fetch(`${url}/item/${i}${profile ? "?profile" : ""}`, { signal: AbortSignal.timeout(30_000) });
        // A report is ~85 KB: read it as bytes, not text, so that the client's own work on it
        // stays small next to the servers' (they share this machine's cores).
        const ok = response.status === 200 && (profile ? startsWithDoctype(await response.arrayBuffer()) : (await response.text()).includes('"ok":true'));
        if (!ok) errors++;
      } catch {
        errors++;
      }
      const answered = performance.now();
      (profile ? profiled : plain).push(answered - started);
      if (record) testRequests.push([started, answered, profile]);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { plain, profiled, errors: errors + total - plain.length - profiled.length, ms: performance.now() - roundStart };
}

await round(baseUrl, warmup, 0);
await round(testUrl, warmup, profileEvery);
if (load > 0) {
  // Back to back once warm: the rate the server without the middleware can do.
  const capacity = await round(baseUrl, warmup, 0);
  pace = (load * warmup) / capacity.ms;
}
const base = [];
const test = [];
for (let r = 0; r < rounds; r++) {
  // Alternate which server goes first, so neither always follows the other's load.
  const pair = r % 2 === 0 ? [baseUrl, testUrl] : [testUrl, baseUrl];
  for (const url of pair) {
    if (url === baseUrl) base.push(await round(baseUrl, perRound, 0));
    else test.push(await round(testUrl, perRound, profileEvery, true));
  }
}

/**
 * Of the unprofiled requests to the test server, the share that overlapped a `?profile` request
 * in flight: among all of them, and among the slowest 1%. Where the second is much larger, the
 * profiled requests (their work, or their large responses) are what makes the tail.
 */
function overlapWithProfiled() {
  const profiledSpans = testRequests.filter(([, , profile]) => profile);
  const plain = testRequests.filter(([, , profile]) => !profile);
  const overlaps = ([sent, answered]) => profiledSpans.some(([start, end]) => start < answered && end > sent);
  const latencies = plain.map(([sent, answered]) => answered - sent).sort((a, b) => a - b);
  const p99 = latencies[Math.floor(0.99 * latencies.length)];
  const slowest = plain.filter(([sent, answered]) => answered - sent >= p99);
  const share = (requests) => requests.filter(overlaps).length / Math.max(1, requests.length);
  return { all: share(plain), slowest: share(slowest) };
}

process.stdout.write(JSON.stringify({ base, test, requestsPerSecond: pace * 1000, overlap: overlapWithProfiled() }));

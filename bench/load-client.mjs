// The load client of requests.bench.ts, run with Node in a process of its own so that its work
// and the servers' don't share an event loop. Sends ROUNDS rounds of PER_ROUND requests,
// CONCURRENCY at a time, alternating between the servers at BASE_URL and TEST_URL (rounds are
// short, so that the machine's drift hits both alike), every PROFILE_EVERY-th request to the
// test server with `?profile`. A first round of WARMUP requests to each (not counted) opens the
// connections and warms the JIT. Prints the latencies as JSON.
//   node bench/load-client.mjs BASE_URL TEST_URL ROUNDS PER_ROUND CONCURRENCY PROFILE_EVERY WARMUP
const [baseUrl, testUrl, ...numbers] = process.argv.slice(2);
const [rounds, perRound, concurrency, profileEvery, warmup] = numbers.map(Number);
const deadline = Date.now() + 10 * 60_000;

const DOCTYPE = new TextEncoder().encode("<!DOCTYPE");
const startsWithDoctype = (buffer) => DOCTYPE.every((byte, i) => new Uint8Array(buffer, 0, DOCTYPE.length)[i] === byte);

async function round(url, total, every) {
  const plain = [];
  const profiled = [];
  let errors = 0;
  let next = 0;
  const worker = async () => {
    while (next < total && Date.now() < deadline) {
      const i = next++;
      const profile = every > 0 && i % every === every - 1;
      const started = performance.now();
      try {
        const response = await fetch(`${url}/item/${i}${profile ? "?profile" : ""}`, { signal: AbortSignal.timeout(30_000) });
        // A report is ~110 KB: read it as bytes, not text, so that the client's own work on it
        // stays small next to the servers' (they share this machine's cores).
        const ok = response.status === 200 && (profile ? startsWithDoctype(await response.arrayBuffer()) : (await response.text()).includes('"ok":true'));
        if (!ok) errors++;
      } catch {
        errors++;
      }
      (profile ? profiled : plain).push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { plain, profiled, errors: errors + total - plain.length - profiled.length };
}

await round(baseUrl, warmup, 0);
await round(testUrl, warmup, profileEvery);
const base = [];
const test = [];
for (let r = 0; r < rounds; r++) {
  // Alternate which server goes first, so neither always follows the other's load.
  const pair = r % 2 === 0 ? [baseUrl, testUrl] : [testUrl, baseUrl];
  for (const url of pair) {
    if (url === baseUrl) base.push(await round(baseUrl, perRound, 0));
    else test.push(await round(testUrl, perRound, profileEvery));
  }
}
process.stdout.write(JSON.stringify({ base, test }));

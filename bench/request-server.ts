// The server of requests.bench.ts, one process per variant so that the two don't share a
// thread or JIT state: a small fetch handler on 127.0.0.1, with `withProfiler` when the first
// argument is "profiled". Prints its URL, then serves until stdin closes.
import process from "node:process";
import { withProfiler } from "../src/integrations/fetch.ts";
import { serveFetch } from "../tests/fixtures/servers/serve.ts";

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

const profiled = process.argv.includes("profiled");
const server = await serveFetch(profiled ? withProfiler(app, { enabled: true }) : app);
process.stdout.write(`${server.url}\n`);
process.stdin.resume();
process.stdin.on("end", async () => {
  await server.close();
  process.exit(0);
});

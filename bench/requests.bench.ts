// Load test of the web integration: a small fetch handler (WORK_MS of computation, 0.2 by
// default) served on 127.0.0.1 without and with withProfiler, each in a server process of its
// own on the runtime that runs this file, and a Node load client in a third. The client
// alternates short rounds between the two servers (drift on a shared machine then hits both
// alike): 20,000 requests each, 20 at a time, one in fifty to the profiled server with
// `?profile`; back to back, or paced at a share of the baseline's capacity (LOAD). Reports
// errors, the p50/p99 latency of the unprofiled requests against the server without the
// middleware, how many of the slowest overlapped a profiled request, and each server's CPU time.
//   node --import tsx bench/requests.bench.ts
//   (also: deno run -A, bun; ROUNDS=n, PER_ROUND=n, PROFILE_EVERY=n (0: none), WORK_MS=ms, LOAD=0.5;
//   FLOOR=1: in place of the middleware, only the runtime's sampler around `?profile` requests and
//   a page of a report's size, the least that any `?profile` support costs)
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { detectRuntime } from "../src/runtime/detect.ts";
import { iterationsFor } from "./work.ts";

const ROUNDS = Number(process.env.ROUNDS ?? 40);
const PER_ROUND = Number(process.env.PER_ROUND ?? 500);
const CONCURRENCY = 20;
const PROFILE_EVERY = Number(process.env.PROFILE_EVERY ?? 50);
const WARMUP = 1000;
const WORK_MS = Number(process.env.WORK_MS ?? 0.2);
/** 0: back to back, saturating the servers; between 0 and 1: paced at that share of the baseline's capacity. */
const LOAD = Number(process.env.LOAD ?? 0);
const FLOOR = process.env.FLOOR === "1";
/** What the second server adds. */
const ADDED = FLOOR ? "the sampler only" : "the middleware";
const CLIENT = fileURLToPath(new URL("./load-client.mjs", import.meta.url));
const SERVER = fileURLToPath(new URL("./request-server.ts", import.meta.url));

interface Round { plain: number[]; profiled: number[]; errors: number }

/** A server process, answering lines: first its URL, then its CPU time when asked. */
class Server {
  private lines: string[] = [];
  private waiter: (() => void) | null = null;
  private constructor(readonly process: ChildProcess) {
    let buffered = "";
    process.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split("\n");
      buffered = parts.pop()!;
      this.lines.push(...parts);
      this.waiter?.();
    });
  }

  static start(mode: "plain" | "profiled" | "floor", iterations: number): Server {
    const [command, ...args] = runtimeCommand(SERVER);
    return new Server(spawn(command, [...args, mode, String(iterations)], { stdio: ["pipe", "pipe", "inherit"] }));
  }

  async nextLine(): Promise<string> {
    while (this.lines.length === 0) {
      if (this.process.exitCode !== null) throw new Error("a server exited early");
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    return this.lines.shift()!;
  }

  /** CPU time so far of the process and of its main thread (-1: unknown), µs. */
  async cpuMicros(): Promise<[number, number]> {
    this.process.stdin!.write("cpu\n");
    const [all, main] = (await this.nextLine()).split(" ").map(Number);
    return [all, main];
  }

  stop(): void {
    this.process.stdin!.end();
  }
}

/** The command that runs a TypeScript file on this runtime. */
function runtimeCommand(file: string): string[] {
  switch (detectRuntime()) {
    case "deno": return [process.execPath, "run", "-A", file];
    case "bun": return [process.execPath, file];
    default: return [process.execPath, ...process.execArgv, file];
  }
}

interface ClientResult {
  base: Round[];
  test: Round[];
  requestsPerSecond: number;
  /** Shares of the unprofiled requests that overlapped a `?profile` request: all, and the slowest 1%. */
  overlap: { all: number; slowest: number };
}

function runClient(baseUrl: string, testUrl: string): Promise<ClientResult> {
  return new Promise((resolve, reject) => {
    const args = [CLIENT, baseUrl, testUrl, ...[ROUNDS, PER_ROUND, CONCURRENCY, PROFILE_EVERY, WARMUP, LOAD].map(String)];
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
const signed = (percent: number) => `${percent >= 0 ? "+" : ""}${percent.toFixed(1)}%`;

async function main(): Promise<void> {
  // Both servers do the same work per request, measured once here.
  const iterations = iterationsFor(WORK_MS);
  const baseline = Server.start("plain", iterations);
  const profiled = Server.start(FLOOR ? "floor" : "profiled", iterations);
  try {
    const [baseUrl, testUrl] = [await baseline.nextLine(), await profiled.nextLine()];
    const cpuBefore = [await baseline.cpuMicros(), await profiled.cpuMicros()];
    const { base, test, requestsPerSecond, overlap } = await runClient(baseUrl, testUrl);
    const cpuAfter = [await baseline.cpuMicros(), await profiled.cpuMicros()];
    const b = base.flatMap((r) => r.plain);
    const p = test.flatMap((r) => r.plain);
    const q = test.flatMap((r) => r.profiled);
    const errors = (rounds: Round[]) => rounds.reduce((n, r) => n + r.errors, 0);
    const line = (name: string, values: number[]) => `${name.padEnd(34)} p50 ${fmt(pct(values, 50)).padStart(10)}  p99 ${fmt(pct(values, 99)).padStart(10)}  (n=${values.length})`;
    // Paced, the baseline also served a back-to-back round that measured its capacity.
    const requests = [ROUNDS * PER_ROUND + WARMUP * (LOAD > 0 ? 2 : 1), ROUNDS * PER_ROUND + WARMUP];
    const cpuPerRequest = (server: number, thread: number) => (cpuAfter[server][thread] - cpuBefore[server][thread]) / requests[server];
    const cpuLine = (what: string, thread: number) => {
      const [without, withMiddleware] = [cpuPerRequest(0, thread), cpuPerRequest(1, thread)];
      return `${what}: ${without.toFixed(0)} µs without, ${withMiddleware.toFixed(0)} µs with ${ADDED} (${signed((withMiddleware / without - 1) * 100)})`;
    };
    const profiling = PROFILE_EVERY > 0 ? `1 in ${PROFILE_EVERY} with ?profile` : "none with ?profile";
    const pacing = LOAD > 0 ? `paced at ${requestsPerSecond.toFixed(0)} requests/s (${LOAD * 100}% of the baseline's capacity)` : "back to back";
    console.log(`${detectRuntime()}: ${ROUNDS} alternating rounds of ${PER_ROUND} requests per server, ${CONCURRENCY} at a time, ${pacing}, ${profiling}; handler ${WORK_MS} ms of work`);
    console.log(line("without middleware", b));
    console.log(line(`with ${ADDED}, unprofiled`, p));
    console.log(line(`with ${ADDED}, ?profile`, q));
    console.log(`unprofiled vs baseline: p50 ${signed((pct(p, 50) / pct(b, 50) - 1) * 100)}, p99 ${signed((pct(p, 99) / pct(b, 99) - 1) * 100)}  (goal: within 5%)`);
    // Paired rounds show how far apart two rounds fall on this machine.
    const ratios = base.map((round, i) => (pct(test[i].plain, 50) / pct(round.plain, 50) - 1) * 100).sort((x, y) => x - y);
    const quartile = (k: number) => signed(ratios[Math.floor((k / 4) * (ratios.length - 1))]);
    console.log(`per-round p50 differences: quartiles ${quartile(1)} / ${quartile(2)} / ${quartile(3)}`);
    if (PROFILE_EVERY > 0) {
      const percent = (share: number) => `${(share * 100).toFixed(0)}%`;
      console.log(`unprofiled requests overlapping a ?profile request: ${percent(overlap.all)} of all, ${percent(overlap.slowest)} of the slowest 1%`);
    }
    console.log(cpuLine("server CPU per request", 0));
    if (cpuBefore[0][1] >= 0) console.log(cpuLine("of which the main thread", 1));
    console.log(`errors: baseline ${errors(base)}, with ${ADDED} ${errors(test)}  (goal: 0)`);
  } finally {
    baseline.stop();
    profiled.stop();
  }
}

await main();

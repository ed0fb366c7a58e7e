// Load test of the web integration: a small fetch handler served on 127.0.0.1 with and without
// withProfiler (each in a server process of its own, on the runtime that runs this file), 2,000
// requests a round, 20 at a time, one in fifty with `?profile`, sent by a Node client in its own
// process. Rounds alternate between the servers so that drift hits both alike. Reports errors
// and the p50/p99 latency of the unprofiled requests against the server without the middleware.
//   node --import tsx bench/requests.bench.ts      (also: deno run -A, bun; ROUNDS=n, REQUESTS=n)
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { detectRuntime } from "../src/runtime/detect.ts";

const TOTAL = Number(process.env.REQUESTS ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 10);
const CONCURRENCY = 20;
const PROFILE_EVERY = 50;
const WARMUP = 500;
const CLIENT = fileURLToPath(new URL("./load-client.mjs", import.meta.url));
const SERVER = fileURLToPath(new URL("./request-server.ts", import.meta.url));

interface Result { plain: number[]; profiled: number[]; errors: number }
interface Server { url: string; process: ChildProcess }

/** The command that runs a TypeScript file on this runtime. */
function runtimeCommand(file: string): string[] {
  switch (detectRuntime()) {
    case "deno": return [process.execPath, "run", "-A", file];
    case "bun": return [process.execPath, file];
    default: return [process.execPath, ...process.execArgv, file];
  }
}

function startServer(mode: "plain" | "profiled"): Promise<Server> {
  const [command, ...args] = runtimeCommand(SERVER);
  const child = spawn(command, [...args, mode], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      if (out.includes("\n")) resolve({ url: out.trim(), process: child });
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`the ${mode} server exited with ${code}`)));
  });
}

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
const signed = (percent: number) => `${percent >= 0 ? "+" : ""}${percent.toFixed(1)}%`;

async function main(): Promise<void> {
  const baseline = await startServer("plain");
  const profiledServer = await startServer("profiled");
  const base: Result[] = [];
  const prof: Result[] = [];
  try {
    for (let r = 0; r < ROUNDS; r++) {
      base.push(await load(baseline.url, 0));
      prof.push(await load(profiledServer.url, PROFILE_EVERY));
    }
  } finally {
    for (const server of [baseline, profiledServer]) {
      server.process.removeAllListeners("exit");
      server.process.stdin!.end();
    }
  }
  const merge = (results: Result[]) => ({
    plain: results.flatMap((r) => r.plain),
    profiled: results.flatMap((r) => r.profiled),
    errors: results.reduce((n, r) => n + r.errors, 0),
  });
  const b = merge(base);
  const p = merge(prof);
  const line = (name: string, values: number[]) => `${name.padEnd(34)} p50 ${fmt(pct(values, 50)).padStart(10)}  p99 ${fmt(pct(values, 99)).padStart(10)}  (n=${values.length})`;
  console.log(`${detectRuntime()}: ${ROUNDS} rounds x ${TOTAL} requests, ${CONCURRENCY} at a time, 1 in ${PROFILE_EVERY} with ?profile`);
  console.log(line("without middleware", b.plain));
  console.log(line("with middleware, unprofiled", p.plain));
  console.log(line("with middleware, ?profile", p.profiled));
  const d50 = (pct(p.plain, 50) / pct(b.plain, 50) - 1) * 100;
  const d99 = (pct(p.plain, 99) / pct(b.plain, 99) - 1) * 100;
  // Each round's own p50 ratio shows how far apart two identical rounds fall on this machine.
  const ratios = base.map((round, i) => (pct(prof[i].plain, 50) / pct(round.plain, 50) - 1) * 100).sort((x, y) => x - y);
  console.log(`unprofiled vs baseline: p50 ${signed(d50)}, p99 ${signed(d99)}  (goal: within 5%)`);
  console.log(`per-round p50 differences: ${ratios.map(signed).join(" ")}`);
  console.log(`errors: baseline ${b.errors}, with middleware ${p.errors}  (goal: 0)`);
}

await main();

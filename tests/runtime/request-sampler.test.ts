// Samplers for short profiles side by side (one per web request), on the runtime that runs this
// file: on V8 they share one warm profiler, each profile keeping only its own time.
import { spawnSync } from "node:child_process";
import inspector from "node:inspector";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { createRequestSampler, type RawProfile } from "../../src/runtime/index.ts";
import { _warmProfilersForTests as warmProfilers } from "../../src/runtime/warm-v8-sampler.ts";

const RUNTIME: "node" | "deno" | "bun" = process.versions.bun ? "bun" : process.versions.deno ? "deno" : "node";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}
// Each profile's own work, in functions of their own (V8 leaves out functions it optimized earlier).
function onlyInFirst(): void { busyFor(60); }
function inBoth(): void { busyFor(60); }
function onlyInSecond(): void { busyFor(60); }

/** The names of the functions that samples of the profile ran. */
function sampledFunctions(raw: RawProfile): Set<string> {
  const nodes = raw.nodes as Array<{ id: number; callFrame: { functionName: string }; children?: number[] }>;
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const names = new Set<string>();
  for (const id of new Set(raw.samples as number[])) {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) names.add(byId.get(at)!.callFrame.functionName);
  }
  return names;
}

if (RUNTIME !== "bun") {
  test("overlapping request profiles each hold their own time", async () => {
    const first = createRequestSampler();
    const second = createRequestSampler();
    first.start(0.001);
    onlyInFirst();
    second.start(0.001);
    inBoth();
    const firstProfile = first.stop();
    onlyInSecond();
    const secondProfile = second.stop();
    const a = sampledFunctions(await firstProfile);
    const b = sampledFunctions(await secondProfile);
    assert.ok(a.has("onlyInFirst") && a.has("inBoth"), [...a].join(", "));
    assert.not.ok(a.has("onlyInSecond"), [...a].join(", "));
    assert.ok(b.has("inBoth") && b.has("onlyInSecond"), [...b].join(", "));
    assert.not.ok(b.has("onlyInFirst"), [...b].join(", "));
  });

  test("the shared profiler stays warm while request profiles keep coming, and stops once they don't", async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    // A fresh interval gets a shared profiler of its own, which starts cold.
    const interval = 0.000_777;
    warmProfilers.setKeepWarmMs(300);
    try {
      for (let i = 0; i < 6; i++) {
        const sampler = createRequestSampler();
        sampler.start(interval);
        busyFor(5);
        await sampler.stop();
        assert.ok(warmProfilers.isWarm(interval), `cold after profile ${i}`);
        await sleep(100);
      }
      // 600 ms of profiles 100 ms apart: longer than the keep-warm time, and still warm.
      assert.ok(warmProfilers.isWarm(interval));
      const longOne = createRequestSampler();
      longOne.start(interval);
      await sleep(500);
      assert.ok(warmProfilers.isWarm(interval), "a running profile keeps it warm");
      await longOne.stop();
      await sleep(800);
      assert.not.ok(warmProfilers.isWarm(interval), "still warm 800 ms after the last profile");
    } finally {
      warmProfilers.setKeepWarmMs(10_000);
    }
  });

  test("a request profile ended early by an untitled console.profileEnd() is still delivered", async () => {
    const sampler = createRequestSampler();
    sampler.start(0.001);
    inBoth();
    inspector.console.profileEnd();
    const raw = await sampler.stop();
    assert.ok(sampledFunctions(raw).has("inBoth"));
  });
} else {
  test("Bun's single profiler takes one request profile at a time", async () => {
    const first = createRequestSampler();
    first.start(0.001);
    assert.throws(() => createRequestSampler().start(0.001), /single CPU profiler/);
    onlyInFirst();
    assert.ok(sampledFunctions(await first.stop()).has("onlyInFirst"));
    const next = createRequestSampler();
    next.start(0.001);
    onlyInSecond();
    assert.ok(sampledFunctions(await next.stop()).has("onlyInSecond"));
  });
}

if (RUNTIME === "node") {
  test("Node hands a request profile over synchronously", () => {
    const sampler = createRequestSampler();
    sampler.start(0.001);
    inBoth();
    const raw = sampler.stopSync();
    assert.ok(raw && sampledFunctions(raw).has("inBoth"));
  });

  test("under node --cpu-prof, request profiles print nothing and still work", () => {
    const dir = mkdtempSync(join(tmpdir(), "pyi-request-sampler-"));
    try {
      const script = join(dir, "main.mts");
      writeFileSync(script, [
        `import { createRequestSampler } from ${JSON.stringify(join(ROOT, "src/runtime/index.ts"))};`,
        "function requestWork() { const end = performance.now() + 50; while (performance.now() < end); }",
        "const sampler = createRequestSampler();",
        "sampler.start(0.001);",
        "requestWork();",
        "const raw = await sampler.stop();",
        "console.log(JSON.stringify(raw.nodes.map((node) => node.callFrame.functionName)));",
      ].join("\n"));
      const run = spawnSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--import", "tsx", script], {
        cwd: ROOT,
        encoding: "utf8",
      });
      assert.is(run.status, 0, run.stderr);
      assert.not.match(run.stderr, /Cannot retrieve|consoleProfile/);
      assert.ok(JSON.parse(run.stdout).includes("requestWork"), run.stdout);
      assert.ok(readdirSync(dir).some((name) => name.endsWith(".cpuprofile")));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();

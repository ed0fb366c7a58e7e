#!/usr/bin/env node
// Runs every test on Node, Deno and Bun, then the pyinstrument 5.1.2 conformance check against
// the built CLI, and ends with one line counting everything: `N passed, N failed`.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = (name) => join(root, "node_modules", ".bin", name);
const uvu = join(root, "node_modules", "uvu", "bin.js");
const pattern = process.env.TEST_PATTERN ?? "\\.test\\.ts$";
const env = { ...process.env, TZ: "UTC", NO_COLOR: "1" };
delete env.FORCE_COLOR;
const LIMIT_MS = 25 * 60 * 1000;

const runtimes = [
  { name: "node", command: bin("uvu"), args: ["-r", "tsx", "tests", pattern] },
  { name: "deno", command: bin("deno"), args: ["run", "-A", uvu, "tests", pattern] },
  { name: "bun", command: bin("bun"), args: [uvu, "tests", pattern] },
];
const only = process.env.TEST_RUNTIMES?.split(",");

let passed = 0;
let failed = 0;

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, env, encoding: "utf8", timeout: LIMIT_MS, maxBuffer: 1 << 28, ...options });
  const output = (result.stdout ?? "") + (result.stderr ?? "");
  return { status: result.status, output, error: result.error };
}

if (!process.env.SKIP_BUILD) {
  const build = run("npm", ["run", "build", "--silent"]);
  process.stdout.write(build.output);
  if (build.status !== 0) {
    console.log("build failed");
    console.log(`tests: 0 passed, 1 failed`);
    process.exit(1);
  }
}

// The HTML report's browser tests drive Debian's Chromium; install it when missing.
if (!only || only.includes("node")) {
  const chromium = run("node", [join(root, "scripts", "ensure-chromium.mjs")]);
  process.stdout.write(chromium.output);
}

for (const runtime of runtimes) {
  if (only && !only.includes(runtime.name)) continue;
  console.log(`\n=== tests on ${runtime.name}`);
  const result = run(runtime.command, runtime.args);
  process.stdout.write(result.output);
  const total = Number(/Total:\s+(\d+)/.exec(result.output)?.[1] ?? NaN);
  const ok = Number(/Passed:\s+(\d+)/.exec(result.output)?.[1] ?? NaN);
  if (Number.isNaN(total) || Number.isNaN(ok)) {
    console.log(`${runtime.name}: the test run ended without a summary (${result.error?.message ?? `exit ${result.status}`})`);
    failed += 1;
    continue;
  }
  const bad = total - ok + (result.status !== 0 && total === ok ? 1 : 0);
  console.log(`${runtime.name}: ${ok} passed, ${bad} failed`);
  passed += ok;
  failed += bad;
}

const check = join(root, "..", "shared", "conformance", "check.py");
if (existsSync(check) && !only) {
  console.log("\n=== pyinstrument 5.1.2 conformance of the built CLI (node dist/cli.js)");
  const result = run("python3", [check, join(root, "..", "shared", "conformance", "pyinstrument-5.1.2"), "node", join(root, "dist", "cli.js")]);
  process.stdout.write(result.output);
  const match = /(\d+) passed, (\d+) failed/.exec(result.output);
  if (match) {
    passed += Number(match[1]);
    failed += Number(match[2]);
  } else {
    failed += 1;
  }
}

console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

#!/usr/bin/env node
// Makes sure Debian's Chromium is at /usr/bin/chromium for the HTML report's browser tests:
// installs it with apt-get when missing (needs root). Prints one line saying what it found or did
// and exits 0 when Chromium is there, 1 when it could not be installed.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

export const CHROMIUM = "/usr/bin/chromium";

export function ensureChromium() {
  if (existsSync(CHROMIUM)) return { ok: true, message: `chromium: ${CHROMIUM}` };
  if (typeof process.getuid === "function" && process.getuid() !== 0) {
    return { ok: false, message: `chromium: ${CHROMIUM} is missing and installing it needs root (apt-get install chromium)` };
  }
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update"], ["install", "-y", "--no-install-recommends", "chromium"]]) {
    const result = spawnSync("apt-get", args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 15 * 60 * 1000 });
    if (result.status !== 0) {
      const detail = (result.stderr || result.error?.message || "").trim().split("\n").slice(-3).join(" | ");
      return { ok: false, message: `chromium: apt-get ${args[0]} failed: ${detail}` };
    }
  }
  return existsSync(CHROMIUM)
    ? { ok: true, message: `chromium: installed ${CHROMIUM}` }
    : { ok: false, message: `chromium: apt-get finished but ${CHROMIUM} is still missing` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ok, message } = ensureChromium();
  console.log(message);
  process.exit(ok ? 0 : 1);
}

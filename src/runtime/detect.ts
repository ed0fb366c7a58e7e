import process from "node:process";

export type RuntimeName = "node" | "deno" | "bun";

/** The JavaScript runtime this code runs on; the one place that asks. */
export function detectRuntime(): RuntimeName {
  const versions = process.versions as Record<string, string | undefined>;
  if (versions.bun) return "bun";
  if (versions.deno || "Deno" in globalThis) return "deno";
  return "node";
}

/** The runtime and its version, as `--version` prints it. */
export function runtimeDescription(): string {
  const versions = process.versions as Record<string, string | undefined>;
  switch (detectRuntime()) {
    case "bun": return `Bun ${versions.bun}`;
    case "deno": return `Deno ${versions.deno}`;
    default: return `Node ${process.version.replace(/^v/, "")}`;
  }
}

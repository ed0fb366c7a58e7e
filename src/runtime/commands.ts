import process from "node:process";
import { fileURLToPath } from "node:url";
import type { RuntimeName } from "./detect.ts";

/** What to run: a script file, or code given on the command line (`-c`). */
export type ProgramTarget =
  | { kind: "script"; path: string; args: string[] }
  | { kind: "code"; code: string; args: string[] };

export interface ProfilingCommand {
  command: string;
  args: string[];
}

const preloadPath = fileURLToPath(new URL("./child/preload.js", import.meta.url));

const tsLoaderPath = fileURLToPath(new URL("./child/ts-loader.js", import.meta.url));

/**
 * The command line that runs a program under a runtime's own CPU profiler (`--cpu-prof`), which
 * writes its profile on every way out: normal end, `exit()`, an uncaught error and Ctrl-C.
 */
export function profilingCommand(
  runtime: RuntimeName,
  executable: string,
  target: ProgramTarget,
  profileDir: string,
  intervalSeconds: number,
): ProfilingCommand {
  const micros = String(Math.max(1, Math.round(intervalSeconds * 1e6)));
  const profiling = ["--cpu-prof", `--cpu-prof-dir=${profileDir}`, `--cpu-prof-interval=${micros}`];
  switch (runtime) {
    case "node": {
      const typescript = target.kind === "script" && /\.(?:ts|mts|cts)$/.test(target.path) && !nodeStripsTypes();
      const preload = ["--import", preloadPath, ...(typescript ? ["--import", tsLoaderPath] : [])];
      return target.kind === "script"
        ? { command: executable, args: [...profiling, ...preload, target.path, ...target.args] }
        : { command: executable, args: [...profiling, ...preload, "--input-type=module", "-e", target.code, "--", ...target.args] };
    }
    case "deno":
      return target.kind === "script"
        ? { command: executable, args: ["run", "-A", ...profiling, `--preload=${preloadPath}`, target.path, ...target.args] }
        : { command: executable, args: ["eval", ...profiling, `--preload=${preloadPath}`, target.code, ...target.args] };
    case "bun":
      return target.kind === "script"
        ? { command: executable, args: [...profiling, `--preload=${preloadPath}`, target.path, ...target.args] }
        : { command: executable, args: [...profiling, `--preload=${preloadPath}`, "-e", target.code, ...target.args] };
  }
}

/** Node 22.6+ runs TypeScript itself; Node 20 needs the strip-only loader. */
function nodeStripsTypes(): boolean {
  const [major, minor] = process.versions.node.split(".").map(Number);
  return major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
}

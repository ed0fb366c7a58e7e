import { accessSync, constants, existsSync, statSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import process from "node:process";
import { detectRuntime, type RuntimeName } from "../runtime/detect.ts";
import { type ProgramTarget, runProgram } from "../runtime/program.ts";
import { frameInfoFile, isLibraryFrameInfo } from "../frame/library.ts";
import { importCpuprofile } from "../session/import/cpuprofile.ts";
import { withoutOwnFrames } from "../session/own-frames.ts";
import type { SampleData } from "../session/samples.ts";
import { Session } from "../session/session.ts";
import { UserError } from "../util/files.ts";
import type { CliOptions } from "./args.ts";

export interface ProfiledRun {
  session: Session;
  exitCode: number;
  /** The uncaught error that ended the program, to print after the report. */
  errorText: string | null;
}

/** Runs the script or `-c` code the command line names, and returns its profile. */
export async function profileProgram(options: CliOptions): Promise<ProfiledRun> {
  const target = programTarget(options);
  const argv = target.kind === "code" ? ["-c", ...target.args] : [options.args[0], ...target.args];
  const targetDescription = formatTargetDescription(options.targetDescription, argv.join(" "));
  const { runtime, executable } = chooseRuntime();
  const run = await runProgram(target, { runtime, executable, intervalSeconds: options.interval });
  if (!run.profile) {
    const how = run.signal ? `was killed by ${run.signal}` : `exited with code ${run.exitCode}`;
    throw new ProgramEndedError(`the program ${how} before its profile was written`, run.exitCode);
  }
  const imported = importCpuprofile(run.profile, run.profileFileName ?? "profile", { startTime: run.startTime });
  const entryFile = target.kind === "script" ? target.path : null;
  const { samples, stem } = programSamples(withoutOwnFrames(imported.samples), entryFile);
  const { duration, cpuTime } = timesOf(samples);
  const session = new Session(
    {
      ...imported.metadata,
      duration,
      cpuTime,
      sampleCount: samples.sampleStack.length,
      startCallStack: stem.length ? stem : imported.metadata.startCallStack,
      minInterval: options.interval,
      maxInterval: options.interval,
      targetDescription,
      sysPath: [process.cwd()],
      sysPrefixes: Session.currentSysPrefixes(),
    },
    samples,
  );
  return { session, exitCode: run.exitCode, errorText: run.errorText };
}

/** A program that ended without a profile: the CLI says so and ends with the program's code. */
export class ProgramEndedError extends UserError {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

function programTarget(options: CliOptions): ProgramTarget {
  if (options.program) return { kind: "code", code: options.program.code, args: options.program.args };
  const [name, ...args] = options.args;
  const path = options.fromPath ? findInPath(name) : name;
  if (!path || !existsSync(path) || statSync(path).isDirectory()) {
    throw new UserError(options.fromPath ? `program ${name} not found in PATH` : `program ${name} not found`);
  }
  return { kind: "script", path: resolve(path), args };
}

function findInPath(name: string): string | null {
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * The runtime to run the program with: the one running this CLI, except that `bunx` starts CLIs
 * with Node while its user expects Bun.
 */
function chooseRuntime(): { runtime: RuntimeName; executable?: string } {
  const runtime = detectRuntime();
  if (runtime === "node" && process.env.npm_config_user_agent?.startsWith("bun/")) {
    const bun = findInPath("bun");
    if (bun) return { runtime: "bun", executable: bun };
  }
  return { runtime };
}

/**
 * Python's `str.format(args=...)` as pyinstrument applies it to `--target-description`:
 * `{args}` is replaced, `{{`/`}}` are braces, any other placeholder is an error.
 */
export function formatTargetDescription(template: string, args: string): string {
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}|[{}]/g, (match, name: string | undefined) => {
    if (match === "{{") return "{";
    if (match === "}}") return "}";
    if (name === undefined) throw new UserError(`Single '${match}' encountered in --target-description`);
    if (name === "") throw new UserError("Empty placeholder in --target-description");
    if (name !== "args") throw new UserError(`Unknown placeholder '${name}' in --target-description`);
    return args;
  });
}

/**
 * Keeps the samples of the program itself. Those taken while the runtime started up, before the
 * program's own code first ran, describe the runtime; so do idle samples after its last work,
 * while the runtime shuts down. For a script, the program is running when its file is on the
 * stack; for `-c` code, when any code outside the runtime and libraries is. Also returns the
 * frames down to the program's top level: the stem that reports trim, as pyinstrument trims
 * the frames that called the profiled code.
 */
function programSamples(samples: SampleData, entryFile: string | null): { samples: SampleData; stem: string[] } {
  const { frames, stacks, sampleStack, sampleWeight } = samples;
  const isAppFrame = frames.frameInfos.map((info) => !isLibraryFrameInfo(info));
  const isProgramFrame = entryFile === null ? isAppFrame : frames.frameInfos.map((info) => frameInfoFile(info) === entryFile);
  const stemNode = programTopLevel(samples, isProgramFrame);
  if (stemNode === -1) return { samples, stem: [] };
  const parent = stacks.parent.data;
  const frame = stacks.frame.data;
  // A sample is the program's when it runs below its top level, or runs app code reached some
  // other way (callbacks of timers and I/O). Code around the top level is the runtime's: the
  // loader that calls it (Deno runs a CommonJS file from an ES module at the same path).
  const onStemPath = new Uint8Array(stacks.count);
  for (let node = parent[stemNode]; node !== -1; node = parent[node]) onStemPath[node] = 1;
  const underStem = new Uint8Array(stacks.count);
  const appOffStem = new Uint8Array(stacks.count);
  for (let node = 0; node < stacks.count; node++) {
    const up = parent[node];
    underStem[node] = node === stemNode || (up !== -1 && underStem[up] === 1) ? 1 : 0;
    appOffStem[node] = (isAppFrame[frame[node]] && !onStemPath[node]) || (up !== -1 && appOffStem[up] === 1) ? 1 : 0;
  }
  let first = 0;
  while (first < sampleStack.length && !underStem[sampleStack[first]]) first++;
  let end = sampleStack.length;
  while (end > first && !underStem[sampleStack[end - 1]] && !appOffStem[sampleStack[end - 1]]) end--;
  return {
    samples: { frames, stacks, sampleStack: sampleStack.slice(first, end), sampleWeight: sampleWeight.slice(first, end) },
    stem: stacks.path(stemNode).map((id) => frames.frameInfos[id]),
  };
}

/**
 * The stack node of the program's top level: of the `<module>` frames of the program on the
 * samples' paths (the deepest on each path), the one that ran longest. Samples from before it
 * ran (V8 instantiates an ES module by entering its top level briefly) and from the runtime's
 * loader around it are not the program. Without any, the first program frame that was sampled.
 */
function programTopLevel(samples: SampleData, isProgramFrame: readonly boolean[]): number {
  const { frames, stacks, sampleStack, sampleWeight } = samples;
  const parent = stacks.parent.data;
  const frame = stacks.frame.data;
  const isTopLevel = frames.frameInfos.map((info, id) => isProgramFrame[id] && info.startsWith("<module>\x00"));
  const topLevel = new Int32Array(stacks.count).fill(-1);
  const firstProgramFrame = new Int32Array(stacks.count).fill(-1);
  for (let node = 0; node < stacks.count; node++) {
    const up = parent[node];
    topLevel[node] = isTopLevel[frame[node]] ? node : up === -1 ? -1 : topLevel[up];
    firstProgramFrame[node] = up !== -1 && firstProgramFrame[up] !== -1 ? firstProgramFrame[up] : isProgramFrame[frame[node]] ? node : -1;
  }
  const weights = new Map<number, number>();
  let firstSampled = -1;
  for (let i = 0; i < sampleStack.length; i++) {
    const node = sampleStack[i];
    if (firstSampled === -1) firstSampled = firstProgramFrame[node];
    if (topLevel[node] !== -1) weights.set(topLevel[node], (weights.get(topLevel[node]) ?? 0) + sampleWeight[i]);
  }
  let best = -1;
  for (const [node, weight] of weights) if (best === -1 || weight > weights.get(best)!) best = node;
  return best !== -1 ? best : firstSampled;
}

/** Wall time as the samples cover it, and the part of it not idle. */
function timesOf(samples: SampleData): { duration: number; cpuTime: number } {
  const idleFrames = new Set(
    samples.frames.frameInfos.flatMap((info, id) => (info.startsWith("[idle]") ? [id] : [])),
  );
  let duration = 0;
  let idle = 0;
  for (let i = 0; i < samples.sampleStack.length; i++) {
    duration += samples.sampleWeight[i];
    if (idleFrames.has(samples.stacks.frame.data[samples.sampleStack[i]])) idle += samples.sampleWeight[i];
  }
  return { duration, cpuTime: Math.max(0, duration - idle) };
}

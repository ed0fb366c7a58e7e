import { accessSync, constants, existsSync, statSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import process from "node:process";
import { detectRuntime, type RuntimeName } from "../runtime/detect.ts";
import { type ProgramTarget, runProgram } from "../runtime/program.ts";
import { frameInfoFile, isLibraryFrameInfo } from "../frame/library.ts";
import { importCpuprofile } from "../session/import/cpuprofile.ts";
import { withoutOwnFrames } from "../session/own-frames.ts";
import type { SampleData } from "../session/samples.ts";
import type { StackTable } from "../session/stack-table.ts";
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
 * frames down to the program's first frame: the stem that reports trim, as pyinstrument trims
 * the frames that called the profiled code.
 */
function programSamples(samples: SampleData, entryFile: string | null): { samples: SampleData; stem: string[] } {
  const { frames, stacks, sampleStack, sampleWeight } = samples;
  const isAppFrame = frames.frameInfos.map((info) => !isLibraryFrameInfo(info));
  const isProgramFrame = entryFile === null ? isAppFrame : frames.frameInfos.map((info) => frameInfoFile(info) === entryFile);
  const reachesProgram = reachingStacks(stacks, isProgramFrame);
  const reachesApp = reachingStacks(stacks, isAppFrame);
  let first = 0;
  while (first < sampleStack.length && !reachesProgram[sampleStack[first]]) first++;
  if (first === sampleStack.length) return { samples, stem: [] };
  let end = sampleStack.length;
  while (end > first && !reachesApp[sampleStack[end - 1]]) end--;
  const firstPath = stacks.path(sampleStack[first]);
  const stem = firstPath.slice(0, firstPath.findIndex((id) => isProgramFrame[id]) + 1).map((id) => frames.frameInfos[id]);
  return {
    samples: { frames, stacks, sampleStack: sampleStack.slice(first, end), sampleWeight: sampleWeight.slice(first, end) },
    stem,
  };
}

/** Per stack node: whether any frame on its path satisfies the per-frame test. */
function reachingStacks(stacks: StackTable, frameTest: readonly boolean[]): Uint8Array {
  const reaches = new Uint8Array(stacks.count);
  const parent = stacks.parent.data;
  const frame = stacks.frame.data;
  for (let node = 0; node < stacks.count; node++) {
    reaches[node] = frameTest[frame[node]] || (parent[node] !== -1 && reaches[parent[node]] === 1) ? 1 : 0;
  }
  return reaches;
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

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { constants as osConstants } from "node:os";
import { UserError } from "../util/files.ts";
import { profilingCommand, type ProgramTarget } from "./commands.ts";
import type { RuntimeName } from "./detect.ts";
import type { RawProfile } from "./sampler.ts";

export type { ProgramTarget } from "./commands.ts";

export interface ProgramRun {
  /** The runtime's profile of the run; null if the program ended without writing one. */
  profile: RawProfile | null;
  profileFileName: string | null;
  /** The exit code the CLI should end with, as the program would have. */
  exitCode: number;
  /** The signal that ended the program, if any. */
  signal: NodeJS.Signals | null;
  /** The uncaught error that ended the program, printed after the report. */
  errorText: string | null;
  /** Epoch seconds when the program was started, and its wall-clock seconds. */
  startTime: number;
  wallTime: number;
}

export interface RunOptions {
  runtime: RuntimeName;
  /** The runtime's executable; default: the one running this code. */
  executable?: string;
  intervalSeconds: number;
}

/**
 * Runs a program in a child process of its runtime with profiling on, sharing this terminal.
 * Ctrl-C reaches the program (the terminal signals both processes); this process waits for it
 * so the report can still be written.
 */
export async function runProgram(target: ProgramTarget, options: RunOptions): Promise<ProgramRun> {
  const workDir = mkdtempSync(join(tmpdir(), "pyinstrument-run-"));
  const profileDir = join(workDir, "profile");
  const errorFile = join(workDir, "error.txt");
  const { command, args } = profilingCommand(
    options.runtime,
    options.executable ?? process.execPath,
    target,
    profileDir,
    options.intervalSeconds,
  );
  // The program answers Ctrl-C by leaving through exit(), so that its runtime writes the profile
  // (see child/preload.js); that takes a turn of its event loop, which a program busy in a loop
  // never gets to. A second Ctrl-C ends it for good, without a report.
  let child: ChildProcess | undefined;
  let interrupts = 0;
  const onInterrupt = () => {
    if (++interrupts >= 2) child?.kill("SIGKILL");
  };
  process.on("SIGINT", onInterrupt);
  const startTime = Date.now() / 1000;
  const startClock = performance.now();
  try {
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      child = spawn(command, args, {
        stdio: "inherit",
        env: { ...process.env, PYINSTRUMENT_ERROR_FILE: errorFile },
      });
      child.on("error", (error) => reject(new UserError(`can't start ${command}: ${error.message}`)));
      child.on("exit", (exitCode, exitSignal) => resolve({ code: exitCode, signal: exitSignal }));
    });
    const wallTime = (performance.now() - startClock) / 1000;
    const profileFileName = existsSync(profileDir)
      ? readdirSync(profileDir).find((name) => name.endsWith(".cpuprofile")) ?? null
      : null;
    const profile = profileFileName ? JSON.parse(readFileSync(join(profileDir, profileFileName), "utf8")) as RawProfile : null;
    let errorText: string | null = null;
    try {
      errorText = readFileSync(errorFile, "utf8");
    } catch {
      // the program did not die of an uncaught error
    }
    return { profile, profileFileName, exitCode: exitCodeOf(code, signal), signal, errorText, startTime, wallTime };
  } finally {
    process.off("SIGINT", onInterrupt);
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** A signal's death reads as 128 + its number, as shells report it (Ctrl-C: 130). */
function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const number = signal ? (osConstants.signals as Record<string, number>)[signal] : undefined;
  return 128 + (number ?? 1);
}

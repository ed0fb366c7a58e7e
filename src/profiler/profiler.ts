import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { createRequestSampler, createSampler, type RawProfile, type Sampler } from "../runtime/index.ts";
import type { Renderer } from "../renderers/base.ts";
import { ConsoleRenderer, type ConsoleRendererOptions } from "../renderers/console.ts";
import { HTMLRenderer, type HTMLRendererOptions } from "../renderers/html/html-renderer.ts";
import { openInBrowser } from "../renderers/html/open.ts";
import { writeTextFileAtomic } from "../util/files.ts";
import { nextTask } from "../util/timers.ts";
import { Session } from "../session/session.ts";
import { importCpuprofile } from "../session/import/cpuprofile.ts";
import { SourceMapResolver } from "../session/import/source-maps.ts";
import { withoutOwnFrames } from "../session/own-frames.ts";
import { callerLocation, type CallerFrame, captureCallers, startCallStackOf } from "./start-stack.ts";

export type AsyncMode = "enabled" | "disabled" | "strict";

export interface ProfilerOptions {
  /** Seconds between samples. Default 0.001. */
  interval?: number;
  /** Kept for pyinstrument compatibility; JavaScript profiles always show the running stack. */
  asyncMode?: AsyncMode;
}

export interface StartOptions {
  /** Shown at the top of reports. Default: `Profile at <file>:<line>` of the caller. */
  targetDescription?: string;
}

/** For wrappers such as `profile()`: the function the caller runs next, where reports start. */
export const REPORT_FROM_FUNCTION: unique symbol = Symbol("reportFromFunction");
/** For the web integrations: one short profile among many, on a sampler that starts at once. */
export const SHORT_PROFILE: unique symbol = Symbol("shortProfile");
type InternalStartOptions = StartOptions & { [REPORT_FROM_FUNCTION]?: string; [SHORT_PROFILE]?: boolean };

export type PrintOptions = ConsoleRendererOptions & {
  /** Where to write; default the standard output. */
  stream?: { write(text: string): unknown; isTTY?: boolean };
};

interface ActiveRecording {
  sampler: Sampler;
  startTime: number;
  startClock: number;
  startCpu: NodeJS.CpuUsage;
  targetDescription: string;
  callers: CallerFrame[];
  /** One short profile among many (a web request's). */
  short: boolean;
}

const disposeSymbol: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for("Symbol.dispose");
const asyncDisposeSymbol: symbol = (Symbol as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for("Symbol.asyncDispose");

/**
 * Records where time goes while it runs, as pyinstrument's `Profiler`: `start()`, run code,
 * `await stop()`, then print or render the session. Starting again after a stop adds to the
 * same session.
 */
export class Profiler {
  readonly interval: number;
  readonly asyncMode: AsyncMode;
  private active: ActiveRecording | null = null;
  private session: Session | null = null;

  constructor(options: ProfilerOptions = {}) {
    const interval = options.interval ?? 0.001;
    if (!(interval > 0) || !Number.isFinite(interval)) throw new RangeError("interval should be a positive number of seconds");
    this.interval = interval;
    this.asyncMode = options.asyncMode ?? "enabled";
  }

  get isRunning(): boolean {
    return this.active !== null;
  }

  get lastSession(): Session | null {
    return this.session;
  }

  start(options: InternalStartOptions = {}): void {
    if (this.active) throw new Error("Profiler is already running.");
    const targetDescription = options.targetDescription ?? `Profile at ${callerLocation() ?? "unknown location"}`;
    const short = options[SHORT_PROFILE] === true;
    const sampler = short ? createRequestSampler() : createSampler();
    const startCpu = process.cpuUsage();
    const startTime = Date.now() / 1000;
    const startClock = performance.now();
    sampler.start(this.interval);
    // A short profile starts from a microtask of its own: no caller of the application's to trim.
    const callers = short ? [] : captureCallers();
    const inner = options[REPORT_FROM_FUNCTION];
    if (inner) callers.push({ name: inner, file: null });
    this.active = { sampler, startTime, startClock, startCpu, targetDescription, callers, short };
  }

  /** Stops profiling; resolves to the session (combined with earlier ones from this profiler). */
  async stop(): Promise<Session> {
    const active = this.takeActive();
    const end = measureEnd(active);
    const raw = await active.sampler.stop();
    // A short profile is read in a task of its own: in a server, other requests go in between.
    if (active.short) await nextTask();
    return this.addSession(raw, active, end);
  }

  /** Stops at once, where the runtime allows it (Node); throws elsewhere. */
  stopSync(): Session {
    const active = this.active;
    if (!active) throw new Error("This profiler is not currently running.");
    if (active.sampler.runtime !== "node") {
      throw new Error(`stopSync() needs Node: ${active.sampler.runtime} delivers profiles asynchronously, use await stop()`);
    }
    this.active = null;
    const end = measureEnd(active);
    return this.addSession(active.sampler.stopSync()!, active, end);
  }

  /** Stops at once where the runtime allows it; null (still running) where it doesn't. */
  stopSyncIfPossible(): Session | null {
    return this.active?.sampler.runtime === "node" ? this.stopSync() : null;
  }

  /** Stops if running and forgets the recorded session. */
  async reset(): Promise<void> {
    if (this.active) await this.stop();
    this.session = null;
  }

  print(options: PrintOptions = {}): void {
    const stream = options.stream ?? process.stdout;
    const tty = Boolean(stream.isTTY);
    stream.write(this.outputText({ unicode: true, color: tty, ...options }) + "\n");
  }

  outputText(options: ConsoleRendererOptions = {}): string {
    return this.output(new ConsoleRenderer(options));
  }

  /** The interactive HTML report, as one self-contained page. */
  outputHtml(options: HTMLRendererOptions = {}): string {
    return this.output(new HTMLRenderer(options));
  }

  /** Writes the HTML report to `path` (whole or not at all). */
  writeHtml(path: string, options: HTMLRendererOptions = {}): void {
    writeTextFileAtomic(path, this.outputHtml(options));
  }

  /** Writes the HTML report to a temporary file, opens it in the browser, and returns its path. */
  openInBrowser(options: HTMLRendererOptions = {}): string {
    const path = join(tmpdir(), `pyinstrument-${Date.now()}.html`);
    this.writeHtml(path, options);
    openInBrowser(path);
    return path;
  }

  output(renderer: Renderer): string {
    if (this.active) throw new Error("can't render profile output because this profiler is still running");
    if (!this.session) throw new Error("can't render profile output because this profiler has not completed a profile session yet");
    return renderer.render(this.session);
  }

  /**
   * Stops at the end of a `using` block. Only Node can collect the profile synchronously;
   * elsewhere sampling stops now (commands take effect when posted) and `lastSession` follows a
   * moment later, as after an `await stop()`: throwing here would hide the block's own error.
   */
  [disposeSymbol](): void {
    if (!this.active) return;
    if (this.active.sampler.runtime === "node") this.stopSync();
    else void this.stop();
  }

  async [asyncDisposeSymbol](): Promise<void> {
    if (this.active) await this.stop();
  }

  private takeActive(): ActiveRecording {
    const active = this.active;
    if (!active) throw new Error("This profiler is not currently running.");
    this.active = null;
    return active;
  }

  private addSession(raw: RawProfile, active: ActiveRecording, end: { duration: number; cpuTime: number }): Session {
    const session = sessionFromProfile(raw, {
      startTime: active.startTime,
      duration: end.duration,
      cpuTime: end.cpuTime,
      interval: this.interval,
      targetDescription: active.targetDescription,
      callers: active.callers,
    });
    this.session = this.session ? Session.combine(this.session, session) : session;
    return this.session;
  }
}

function measureEnd(active: ActiveRecording): { duration: number; cpuTime: number } {
  const cpu = process.cpuUsage(active.startCpu);
  return { duration: (performance.now() - active.startClock) / 1000, cpuTime: (cpu.user + cpu.system) / 1e6 };
}

export interface ProfileFacts {
  startTime: number;
  duration: number;
  cpuTime: number;
  interval: number;
  targetDescription: string;
  /** The code that started the profiler, outermost first: reports start below it. */
  callers?: readonly CallerFrame[];
}

/** The source maps of this process's scripts, read once: loaded code doesn't change with its files. */
const loadedScriptMaps = new SourceMapResolver();

/** A session from a runtime's raw profile and what the profiler measured around it. */
export function sessionFromProfile(raw: RawProfile, facts: ProfileFacts): Session {
  const imported = importCpuprofile(raw, "profile", { startTime: facts.startTime, sourceMaps: loadedScriptMaps });
  const samples = withoutOwnFrames(imported.samples);
  // Without callers (a web request's profile) the import's own start stack, the thread, is it.
  const startCallStack = facts.callers?.length ? startCallStackOf(samples, facts.callers) : [];
  return new Session(
    {
      ...imported.metadata,
      startTime: facts.startTime,
      startCallStack: startCallStack.length ? startCallStack : imported.metadata.startCallStack,
      duration: facts.duration,
      minInterval: facts.interval,
      maxInterval: facts.interval,
      sampleCount: samples.sampleStack.length,
      targetDescription: facts.targetDescription,
      cpuTime: facts.cpuTime,
      sysPath: [process.cwd()],
      sysPrefixes: Session.currentSysPrefixes(),
    },
    samples,
  );
}

import inspector, { type Session as InspectorSession } from "node:inspector";
import process from "node:process";
import type { RuntimeName } from "./detect.ts";
import { connectSession } from "./inspector-sampler.ts";
import type { RawProfile, Sampler } from "./sampler.ts";
import { unrefTimer } from "../util/timers.ts";

/**
 * Short profiles side by side that start in microseconds, for profiling single web requests on
 * V8 (Node, Deno). Starting V8's CPU profiler logs every piece of compiled code first, a walk of
 * the whole heap that blocks the thread for 20-200 ms and grows with the application; a profile
 * started while another one runs in the same profiler skips it. So a "keeper" profile keeps one
 * profiler running while requests are being profiled, and each request gets a console profile
 * (`inspector.console.profile(title)`), the protocol's only way to run several profiles in one
 * profiler. The keeper stops once no request has been profiled for a while.
 */

/** How long the profiler stays warm after the last short profile ends (tests shorten it). */
let keepWarmMs = 10_000;
/** The keeper is restarted when older than this, so its own samples don't pile up. */
const KEEPER_MAX_AGE_MS = 5_000;
/** A profile that the runtime never delivers (it should not happen) fails after this. */
const DELIVERY_TIMEOUT_MS = 30_000;

type ProfileFinished = { params: { title: string; profile: RawProfile } };

class WarmProfiler {
  private readonly session: InspectorSession;
  private keeperStartedAt = -1;
  private running = 0;
  /** When the last short profile ended (performance.now()). */
  private lastEndedAt = 0;
  private readonly waiting = new Map<string, (profile: RawProfile) => void>();
  /** Profiles that ended before their sampler stopped: an untitled `console.profileEnd()` ends the latest. */
  private readonly endedEarly = new Map<string, RawProfile>();
  private readonly titles = new Set<string>();

  constructor(private readonly runtime: RuntimeName, private readonly intervalMicros: number) {
    this.session = connectSession(runtime);
    this.session.on("Profiler.consoleProfileFinished", ({ params: { title, profile } }: ProfileFinished) => {
      const deliver = this.waiting.get(title);
      if (deliver) {
        this.waiting.delete(title);
        deliver(profile);
      } else if (this.titles.has(title)) {
        this.endedEarly.set(title, profile);
      }
    });
  }

  begin(title: string): void {
    if (this.keeperStartedAt < 0) this.startKeeper();
    inspector.console.profile(title);
    this.titles.add(title);
    this.running++;
    // Restarted while this profile runs, the profiler stays warm: only the keeper's samples go.
    if (performance.now() - this.keeperStartedAt > KEEPER_MAX_AGE_MS) {
      this.post("Profiler.stop");
      this.post("Profiler.start");
      this.keeperStartedAt = performance.now();
    }
  }

  /** Ends a profile and hands it over when it arrives: on Node, before this returns. */
  end(title: string, deliver: (profile: RawProfile) => void, fail: (error: Error) => void): void {
    this.titles.delete(title);
    if (--this.running === 0) this.lastEndedAt = performance.now();
    const early = this.endedEarly.get(title);
    if (early) {
      this.endedEarly.delete(title);
      return deliver(early);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    this.waiting.set(title, (profile) => {
      clearTimeout(timer);
      deliver(profile);
    });
    inspector.console.profileEnd(title);
    // Node delivers during profileEnd; a timer (costly per request) only for runtimes that don't.
    if (!this.waiting.has(title)) return;
    timer = setTimeout(() => {
      this.waiting.delete(title);
      fail(new Error("The runtime did not deliver the profile."));
    }, DELIVERY_TIMEOUT_MS);
    unrefTimer(timer);
  }

  private startKeeper(): void {
    this.post("Profiler.enable");
    this.post("Profiler.setSamplingInterval", { interval: this.intervalMicros });
    this.post("Profiler.start");
    this.keeperStartedAt = performance.now();
    this.checkIdleIn(keepWarmMs);
  }

  /** One timer while warm, not one per profile: it looks again until profiles stop coming. */
  private checkIdleIn(ms: number): void {
    const timer = setTimeout(() => {
      const left = this.running > 0 ? keepWarmMs : keepWarmMs - (performance.now() - this.lastEndedAt);
      if (left > 0) this.checkIdleIn(left);
      else this.stopKeeper();
    }, ms);
    unrefTimer(timer);
  }

  /** Whether the shared profiler is running, for tests. */
  get warm(): boolean {
    return this.keeperStartedAt >= 0;
  }

  private stopKeeper(): void {
    this.post("Profiler.stop");
    this.post("Profiler.disable");
    this.keeperStartedAt = -1;
  }

  private post(method: string, params: object = {}): void {
    this.session.post(method, params, () => {});
  }
}

const warmProfilers = new Map<number, WarmProfiler>();
const intervalMicros = (seconds: number) => Math.max(1, Math.round(seconds * 1e6));

/** For tests: a shorter keep-warm time, and whether the shared profiler of an interval is running. */
export const _warmProfilersForTests = {
  setKeepWarmMs(ms: number): void {
    keepWarmMs = ms;
  },
  isWarm: (intervalSeconds: number): boolean => warmProfilers.get(intervalMicros(intervalSeconds))?.warm ?? false,
};
let nextTitle = 0;

/** A sampler whose profiles run on a warm shared profiler. */
export class WarmV8Sampler implements Sampler {
  private title: string | null = null;
  private warm: WarmProfiler | null = null;

  constructor(readonly runtime: RuntimeName) {}

  start(intervalSeconds: number): void {
    if (this.title) throw new Error("This sampler is already running.");
    const micros = intervalMicros(intervalSeconds);
    let warm = warmProfilers.get(micros);
    if (!warm) warmProfilers.set(micros, (warm = new WarmProfiler(this.runtime, micros)));
    this.title = `pyinstrument-${process.pid}-${++nextTitle}`;
    this.warm = warm;
    warm.begin(this.title);
  }

  stop(): Promise<RawProfile> {
    return new Promise((resolve, reject) => this.end(resolve, reject));
  }

  stopSync(): RawProfile | null {
    if (this.runtime !== "node") return null;
    let profile: RawProfile | null = null;
    this.end((raw) => (profile = raw), () => {});
    if (!profile) throw new Error("The profiler did not answer synchronously.");
    return profile;
  }

  private end(deliver: (profile: RawProfile) => void, fail: (error: Error) => void): void {
    const { warm, title } = this;
    if (!warm || !title) throw new Error("This sampler is not running.");
    this.title = null;
    warm.end(title, deliver, fail);
  }
}

/**
 * Whether console profiles can be used here. Node's own profiler connections (`--cpu-prof`, and
 * `NODE_V8_COVERAGE` for coverage) print every console profile's events to stderr.
 */
export function consoleProfilesUsable(runtime: RuntimeName): boolean {
  if (runtime === "bun") return false;
  if (runtime === "node") return !process.execArgv.includes("--cpu-prof") && !process.env.NODE_V8_COVERAGE;
  return typeof inspector.console?.profile === "function";
}

import { detectRuntime } from "./detect.ts";
import type { Session as InspectorSession } from "node:inspector";
import { connectSession, InspectorSampler } from "./inspector-sampler.ts";
import type { RawProfile, Sampler } from "./sampler.ts";
import { consoleProfilesUsable, WarmV8Sampler } from "./warm-v8-sampler.ts";
import { UserError } from "../util/files.ts";

export { detectRuntime, runtimeDescription, type RuntimeName } from "./detect.ts";
export type { RawProfile, Sampler } from "./sampler.ts";

let bunSamplerRunning = false;
// Bun has one process-wide CPU profiler, and closing any inspector session stops it: all Bun
// samplers share one session that stays open.
let bunSession: InspectorSession | undefined;

/** A sampler for the runtime this code runs on. */
export function createSampler(): Sampler {
  const runtime = detectRuntime();
  if (runtime !== "bun") return new InspectorSampler(runtime);
  // Bun has one process-wide CPU profiler: a second session would wipe the first one's samples.
  if (bunSamplerRunning) {
    throw new UserError("Bun has a single CPU profiler, and another Profiler is already running");
  }
  bunSession ??= connectSession(runtime);
  const sampler = new InspectorSampler(runtime, bunSession);
  return {
    runtime,
    start(interval: number): void {
      sampler.start(interval);
      bunSamplerRunning = true;
    },
    stop(): Promise<RawProfile> {
      // The stop takes effect when posted, so another profile may start before this one arrives.
      const profile = sampler.stop();
      bunSamplerRunning = false;
      return profile;
    },
    stopSync: () => null,
  };
}

/**
 * A sampler for many short profiles, some side by side, such as one per web request: on V8 these
 * share a profiler kept warm, so that starting one doesn't stall the thread.
 */
export function createRequestSampler(): Sampler {
  const runtime = detectRuntime();
  return consoleProfilesUsable(runtime) ? new WarmV8Sampler(runtime) : createSampler();
}

/** Whether request samplers can run side by side; Bun has one process-wide profiler. */
export function requestSamplersOverlap(): boolean {
  return detectRuntime() !== "bun";
}

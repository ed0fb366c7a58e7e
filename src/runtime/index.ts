import { detectRuntime } from "./detect.ts";
import { InspectorSampler } from "./inspector-sampler.ts";
import type { RawProfile, Sampler } from "./sampler.ts";
import { UserError } from "../util/files.ts";

export { detectRuntime, runtimeDescription, type RuntimeName } from "./detect.ts";
export type { RawProfile, Sampler } from "./sampler.ts";

let bunSamplerRunning = false;

/** A sampler for the runtime this code runs on. */
export function createSampler(): Sampler {
  const runtime = detectRuntime();
  if (runtime !== "bun") return new InspectorSampler(runtime);
  // Bun has one process-wide CPU profiler: a second session would wipe the first one's samples.
  if (bunSamplerRunning) {
    throw new UserError("Bun has a single CPU profiler, and another Profiler is already running");
  }
  const sampler = new InspectorSampler(runtime);
  return {
    runtime,
    start(interval: number): void {
      sampler.start(interval);
      bunSamplerRunning = true;
    },
    async stop(): Promise<RawProfile> {
      try {
        return await sampler.stop();
      } finally {
        bunSamplerRunning = false;
      }
    },
    stopSync: () => null,
  };
}

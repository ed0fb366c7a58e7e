import type { RuntimeName } from "./detect.ts";

/** A Chrome `.cpuprofile` object, as every runtime's `Profiler.stop` returns it. */
export type RawProfile = Record<string, unknown>;

/** Samples the call stack of the current thread. One instance records one profile at a time. */
export interface Sampler {
  readonly runtime: RuntimeName;
  /** Starts sampling every `intervalSeconds`; sampling begins before this returns. */
  start(intervalSeconds: number): void;
  /** Stops sampling and resolves to the profile. */
  stop(): Promise<RawProfile>;
  /** Stops and returns the profile at once; null where the runtime delivers profiles later. */
  stopSync(): RawProfile | null;
}

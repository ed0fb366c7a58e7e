import { Session as InspectorSession } from "node:inspector";
import type { RuntimeName } from "./detect.ts";
import type { RawProfile, Sampler } from "./sampler.ts";
import { UserError } from "../util/files.ts";

type Reply = { profile?: RawProfile } | undefined;

/**
 * Samples through the `node:inspector` protocol, which Node, Deno and Bun all provide. Commands
 * take effect when posted on every runtime, but only Node answers synchronously, so only there
 * can a profile be collected inside `process.on("exit")`.
 */
export class InspectorSampler implements Sampler {
  readonly runtime: RuntimeName;
  private readonly session = new InspectorSession();
  private running = false;

  constructor(runtime: RuntimeName) {
    this.runtime = runtime;
    try {
      this.session.connect();
    } catch (error) {
      throw new UserError(samplerUnavailable(runtime, error));
    }
  }

  start(intervalSeconds: number): void {
    if (this.running) throw new Error("This sampler is already running.");
    const ignore = () => {};
    this.session.post("Profiler.enable", ignore);
    this.session.post("Profiler.setSamplingInterval", { interval: Math.max(1, Math.round(intervalSeconds * 1e6)) }, ignore);
    this.session.post("Profiler.start", ignore);
    this.running = true;
  }

  stop(): Promise<RawProfile> {
    this.checkRunning();
    return new Promise((resolve, reject) => {
      this.session.post("Profiler.stop", (error: Error | null, reply: Reply) => {
        this.finish();
        if (error || !reply?.profile) reject(error ?? new Error("The runtime returned no profile."));
        else resolve(reply.profile);
      });
    });
  }

  stopSync(): RawProfile | null {
    if (this.runtime !== "node") return null;
    this.checkRunning();
    let result: RawProfile | null = null;
    let failure: Error | null = null;
    this.session.post("Profiler.stop", (error: Error | null, reply: Reply) => {
      failure = error ?? (reply?.profile ? null : new Error("The runtime returned no profile."));
      result = reply?.profile ?? null;
    });
    this.finish();
    if (failure) throw failure;
    if (!result) throw new Error("The profiler did not answer synchronously.");
    return result;
  }

  private checkRunning(): void {
    if (!this.running) throw new Error("This sampler is not running.");
  }

  private finish(): void {
    this.running = false;
    this.session.post("Profiler.disable", () => this.session.disconnect());
  }
}

function samplerUnavailable(runtime: RuntimeName, error: unknown): string {
  const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
  if (runtime === "deno") return `can't start the profiler: run Deno with --allow-sys (or -A) (${reason})`;
  return `can't start the profiler: ${reason}`;
}

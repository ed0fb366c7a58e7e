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
  private readonly session: InspectorSession;
  /** Whether this sampler owns its session and disconnects it when done. */
  private readonly ownsSession: boolean;
  private running = false;

  /** With no session given, connects one of its own. */
  constructor(runtime: RuntimeName, sharedSession?: InspectorSession) {
    this.runtime = runtime;
    this.ownsSession = !sharedSession;
    this.session = sharedSession ?? connectSession(runtime);
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
    const profile = new Promise<RawProfile>((resolve, reject) => {
      this.session.post("Profiler.stop", (error: Error | null, reply: Reply) => {
        if (error || !reply?.profile) reject(error ?? new Error("The runtime returned no profile."));
        else resolve(reply.profile);
      });
    });
    this.disable();
    return profile;
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
    this.disable();
    if (failure) throw failure;
    if (!result) throw new Error("The profiler did not answer synchronously.");
    return result;
  }

  private checkRunning(): void {
    if (!this.running) throw new Error("This sampler is not running.");
  }

  /**
   * Posted right after the stop: commands take effect in order when posted, so a profile started
   * next (Bun has only one profiler) is not disabled by this one's late clean-up. An own session
   * is disconnected once the disable is answered, the last reply: on Node replies come inside
   * `post`, and disconnecting in the stop's reply made this `post` throw (not connected).
   */
  private disable(): void {
    this.running = false;
    this.session.post("Profiler.disable", () => {
      if (this.ownsSession) this.session.disconnect();
    });
  }
}

export function connectSession(runtime: RuntimeName): InspectorSession {
  const session = new InspectorSession();
  try {
    session.connect();
  } catch (error) {
    throw new UserError(samplerUnavailable(runtime, error));
  }
  return session;
}

function samplerUnavailable(runtime: RuntimeName, error: unknown): string {
  const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
  if (runtime === "deno") return `can't start the profiler: run Deno with --allow-sys (or -A) (${reason})`;
  return `can't start the profiler: ${reason}`;
}

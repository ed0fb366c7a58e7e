import process from "node:process";
import type { Renderer } from "../renderers/base.ts";
import { ConsoleRenderer } from "../renderers/console.ts";
import type { Session } from "../session/session.ts";
import { callerLocation } from "./start-stack.ts";
import { type AsyncMode, Profiler, REPORT_FROM_FUNCTION } from "./profiler.ts";

export interface ProfileOptions {
  /** Seconds between samples. Default 0.001. */
  interval?: number;
  asyncMode?: AsyncMode;
  /** How to report; default a short text report on the standard error. */
  renderer?: Renderer;
  targetDescription?: string;
}

// deno-lint-ignore no-explicit-any
type AnyFunction = (...args: any[]) => any;

/**
 * Profiles each call of a function and prints a short report to stderr when it returns (or when
 * its promise settles), as `pyinstrument.profile` does:
 *
 *     const work = profile(async function work() { ... });
 *     const work2 = profile({ interval: 0.0001 })(function work2() { ... });
 */
export function profile<F extends AnyFunction>(fn: F): F;
export function profile(options?: ProfileOptions): <F extends AnyFunction>(fn: F) => F;
export function profile<F extends AnyFunction>(
  fnOrOptions?: F | ProfileOptions,
): F | (<G extends AnyFunction>(fn: G) => G) {
  if (typeof fnOrOptions === "function") return wrap(fnOrOptions, {}, callerLocation());
  const options = fnOrOptions ?? {};
  const location = callerLocation();
  return <G extends AnyFunction>(fn: G): G => wrap(fn, options, location);
}

function wrap<F extends AnyFunction>(fn: F, options: ProfileOptions, location: string | null): F {
  const description = options.targetDescription ??
    `Function ${fn.name || "(anonymous)"}${location ? ` at ${location}` : ""}`;
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    const profiler = new Profiler({ interval: options.interval, asyncMode: options.asyncMode ?? "disabled" });
    profiler.start({ targetDescription: description, [REPORT_FROM_FUNCTION]: fn.name || undefined });
    let result: unknown;
    try {
      result = fn.apply(this, args);
    } catch (error) {
      void finish(profiler, options);
      throw error;
    }
    if (result instanceof Promise) {
      return result.finally(() => finish(profiler, options));
    }
    void finish(profiler, options);
    return result;
  };
  Object.defineProperty(wrapped, "name", { value: fn.name });
  return wrapped as F;
}

async function finish(profiler: Profiler, options: ProfileOptions): Promise<void> {
  const session: Session = profiler.stopSyncIfPossible() ?? await profiler.stop();
  const renderer = options.renderer ?? new ConsoleRenderer({
    shortMode: true,
    unicode: true,
    color: Boolean(process.stderr.isTTY) && !process.env.NO_COLOR,
  });
  process.stderr.write(renderer.render(session));
}

import { setImmediate } from "node:timers";

/** Lets the process exit while the timer is pending (Node and Bun; Deno's timer ids are numbers). */
export function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}

/**
 * Resolves in a later turn of the event loop, after pending I/O callbacks: long work split with it
 * lets requests waiting for the thread be served in between.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

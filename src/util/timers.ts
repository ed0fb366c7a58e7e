/** Lets the process exit while the timer is pending (Node and Bun; Deno's timer ids are numbers). */
export function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}

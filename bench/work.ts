// The request handler's work in the web benchmarks: a fixed amount of computation, so that a
// request costs the same CPU whatever else runs (a clock-bound loop does less work when the
// thread is preempted, hiding the cost of whatever preempted it).

export function work(iterations: number): number {
  let x = 0;
  for (let i = 0; i < iterations; i++) x += Math.sqrt(x + i);
  return x;
}

/** How many iterations of `work` take `ms` milliseconds on this machine and runtime. */
export function iterationsFor(ms: number): number {
  const probe = 100_000;
  let best = Infinity;
  for (let round = 0; round < 30; round++) {
    const started = performance.now();
    work(probe);
    best = Math.min(best, performance.now() - started);
  }
  return Math.max(1, Math.round((ms / best) * probe));
}

// Large sessions for the HTML report's scale tests and benchmark: a random walk over a fixed,
// program-like call graph (application modules calling into packages under node_modules and
// runtime built-ins), so that consecutive samples share most of their stack, as real ones do.
// Deterministic for a seed; built straight into the compact tables (no per-sample strings).
import { FrameTable } from "../../src/session/frame-table.ts";
import { Session } from "../../src/session/session.ts";
import { StackTable } from "../../src/session/stack-table.ts";
import { rng as random } from "../../bench/random.ts";

const ROOT = "/home/user/project";

function functionInfos(rand: () => number): string[] {
  const infos: string[] = [];
  const verbs = ["load", "parse", "render", "compute", "update", "validate", "resolve", "encode", "fetch", "merge", "apply", "build"];
  const nouns = ["Config", "Tree", "Node", "Page", "Token", "Record", "Index", "Cache", "Query", "Layout", "Schema", "Batch"];
  const name = () => `${verbs[Math.floor(rand() * verbs.length)]}${nouns[Math.floor(rand() * nouns.length)]}`;
  for (let i = 0; i < 140; i++) infos.push(`${name()}\x00${ROOT}/src/${["app", "model", "view", "store", "util"][i % 5]}/m${i % 23}.ts\x00${10 + i * 7}`);
  const packages = ["react-dom", "lodash", "@babel/parser", "zod", "express", "acorn", "immer", "yaml"];
  for (let i = 0; i < 120; i++) {
    const pkg = packages[i % packages.length];
    infos.push(`${name()}\x00${ROOT}/node_modules/${pkg}/lib/f${i % 9}.js\x00${1 + i * 13}`);
  }
  for (let i = 0; i < 30; i++) infos.push(`${name()}\x00node:internal/m${i % 6}\x00${i * 5 + 1}`);
  return infos;
}

/**
 * A session of `sampleCount` samples of about 1 ms each (whole microseconds, as `.cpuprofile`
 * has). Stacks come from a few hundred hot paths that branch off each other: most samples stay on
 * the previous path, the others pick one with a Zipf-like preference, and half are cut short by a
 * few frames, as a busy program's profile looks.
 */
export function syntheticSession(sampleCount: number, seed = 1): Session {
  const rand = random(seed);
  const frames = new FrameTable();
  const stacks = new StackTable();
  const thread = frames.intern("main\x00<thread>\x000");
  const moduleFrame = frames.intern(`<module>\x00${ROOT}/src/main.ts\x001`);
  const functions = functionInfos(rand).map((info) => frames.intern(info));
  const idle = frames.intern("[idle]");
  const base = stacks.intern(stacks.intern(-1, thread), moduleFrame);
  const idleStack = stacks.intern(stacks.intern(-1, thread), idle);

  // Hot paths: each starts as a prefix of an earlier one and goes on 3-14 frames deeper.
  const paths: number[][] = [[base]];
  for (let p = 1; p < 600; p++) {
    const from = paths[Math.floor(Math.pow(rand(), 2) * paths.length)];
    const path = from.slice(0, 1 + Math.floor(rand() * from.length));
    const extra = 3 + Math.floor(rand() * 12);
    for (let k = 0; k < extra && path.length < 40; k++) {
      path.push(stacks.intern(path[path.length - 1], functions[Math.floor(rand() * functions.length)]));
    }
    paths.push(path);
  }
  const weights = paths.map((_, i) => 1 / (i + 1));
  const cumulative = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((w, i) => (cumulative[i] = sum += w));
  const pickPath = (): number[] => {
    const u = rand() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return paths[lo];
  };

  const sampleStack = new Int32Array(sampleCount);
  const sampleWeight = new Float64Array(sampleCount);
  let path = paths[0];
  for (let i = 0; i < sampleCount; i++) {
    if (rand() >= 0.65) path = pickPath();
    const cut = rand() < 0.5 ? Math.floor(rand() * 6) : 0;
    const isIdle = rand() < 0.01;
    sampleStack[i] = isIdle ? idleStack : path[Math.max(0, path.length - 1 - cut)];
    sampleWeight[i] = (isIdle ? 2000 + Math.floor(rand() * 8000) : 950 + Math.floor(rand() * 200)) / 1e6;
  }
  let duration = 0;
  for (let i = 0; i < sampleCount; i++) duration += sampleWeight[i];
  return new Session(
    {
      startTime: 1764000000,
      duration,
      minInterval: 0.001,
      maxInterval: 0.001,
      sampleCount,
      startCallStack: ["main\x00<thread>\x000"],
      targetDescription: `Program: synthetic workload (${sampleCount.toLocaleString("en-US")} samples)`,
      cpuTime: duration * 0.93,
      sysPath: [ROOT],
      sysPrefixes: [],
    },
    { frames, stacks, sampleStack, sampleWeight },
  );
}

// The Profiler API and profile() in this process, on the runtime that runs this file (Deno needs
// --allow-sys for its inspector session; the test runner gives -A).
//
// Each test busies its own functions: V8 leaves out of a profile the frames of code it optimized
// before the profiler started (measured on Node 20: a function whose loop was hot in an earlier
// session shows up as its caller's self time), so no function here runs in two sessions.
import process from "node:process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { ConsoleRenderer, JSONRenderer, Profiler, profile, Session } from "../../mod.ts";

const RUNTIME: "node" | "deno" | "bun" = process.versions.bun ? "bun" : process.versions.deno ? "deno" : "node";
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OWN_SOURCES = [join(ROOT, "src", "profiler"), join(ROOT, "src", "runtime")];
const THIS_FILE = fileURLToPath(import.meta.url);

/** Busy until `ms` have passed; returns the ms that really passed (a loaded machine overruns). */
function startStopWork(ms: number): number {
  const start = performance.now();
  const end = start + ms;
  while (performance.now() < end);
  return performance.now() - start;
}

const functionOf = (info: string) => info.split("\x00", 1)[0];
const fileOf = (info: string) => info.split("\x00")[1] ?? "";

/** Seconds of samples whose stack runs the named function. */
function secondsIn(session: Session, name: string): number {
  let seconds = 0;
  for (const [stack, weight] of session.frameRecords) {
    if (stack.some((info) => functionOf(info) === name)) seconds += weight;
  }
  return seconds;
}

/** Runs `body` with process.stderr.write captured; returns what was written. */
async function captureStderr(body: () => Promise<void> | void, until?: (text: string) => boolean): Promise<string> {
  let captured = "";
  const original = process.stderr.write;
  const decoder = new TextDecoder();
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    captured += typeof chunk === "string" ? chunk : decoder.decode(chunk);
    const callback = rest.find((arg) => typeof arg === "function") as (() => void) | undefined;
    callback?.();
    return true;
  }) as typeof process.stderr.write;
  try {
    await body();
    // On Deno and Bun a profile arrives a moment after it is stopped: wait for the report.
    const deadline = performance.now() + 5000;
    while (until && !until(captured) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    process.stderr.write = original;
  }
  return captured;
}

test("start() then stop() gives a session with the busy function; isRunning follows", async () => {
  const profiler = new Profiler();
  assert.is(profiler.isRunning, false);
  assert.is(profiler.lastSession, null);
  profiler.start();
  assert.is(profiler.isRunning, true);
  const ms = startStopWork(120);
  const session = await profiler.stop();
  assert.is(profiler.isRunning, false);
  assert.ok(session instanceof Session);
  assert.is(profiler.lastSession, session);
  assert.ok(session.sampleCount > 0 && session.sampleCount === session.recordCount, `${session.sampleCount} samples`);
  assert.ok(session.samples.frames.frameInfos.some((info) => functionOf(info) === "startStopWork" && fileOf(info) === THIS_FILE));
  // a sanity check: the CLI tests check times closely; in-process sampling shares the CPU with
  // the test runner, and a loaded machine starves the sampler
  assert.ok(secondsIn(session, "startStopWork") > (0.5 * ms) / 1000, `startStopWork: ${secondsIn(session, "startStopWork")} s of ${ms} ms`);
  assert.ok(session.duration >= ms / 1000 - 0.005, `duration ${session.duration} covers the work (${ms} ms)`);
  assert.is(session.minInterval, 0.001);
  assert.match(session.targetDescription, /^Profile at .*profiler\.test\.ts:\d+$/);
});

function ownFramesWork(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

test("the profiler's own frames (src/profiler, src/runtime) never appear in a session's stacks", async () => {
  const profiler = new Profiler({ interval: 0.0002 });
  profiler.start();
  ownFramesWork(60);
  const session = await profiler.stop();
  const own = (info: string) => OWN_SOURCES.some((dir) => fileOf(info).startsWith(dir));
  const stacks = session.frameRecords.map(([stack]) => stack);
  assert.ok(stacks.some((stack) => stack.some((info) => functionOf(info) === "ownFramesWork")));
  for (const stack of stacks) {
    assert.ok(!stack.some(own), `an own frame in ${stack.map((info) => info.replaceAll("\x00", " ")).join(" > ")}`);
  }
  assert.ok(!session.startCallStack.some(own), `start call stack: ${session.startCallStack}`);
  const text = profiler.outputText({ unicode: true, color: false, showAll: true });
  assert.not.match(text, /src\/(?:profiler|runtime)\//, text);
});

test("a second start() throws; stop() when not running throws", async () => {
  const profiler = new Profiler();
  assert.not.throws(() => profiler.start());
  try {
    assert.throws(() => profiler.start(), (error: Error) => error.message === "Profiler is already running.");
    assert.is(profiler.isRunning, true, "the first recording goes on");
  } finally {
    await profiler.stop();
  }
  let stopError: Error | null = null;
  try {
    await profiler.stop();
  } catch (error) {
    stopError = error as Error;
  }
  assert.ok(stopError, "stop() when not running rejects");
  assert.is(stopError!.message, "This profiler is not currently running.");
  assert.throws(() => new Profiler().stopSync(), /not currently running/);
});

function firstHalfWork(ms: number): number {
  const start = performance.now();
  while (performance.now() < start + ms);
  return performance.now() - start;
}

function secondHalfWork(ms: number): number {
  const start = performance.now();
  while (performance.now() < start + ms);
  return performance.now() - start;
}

test("start() after stop() adds to the same session: sample counts and durations add up", async () => {
  const profiler = new Profiler();
  profiler.start();
  firstHalfWork(80);
  const first = await profiler.stop();
  const firstCount = first.sampleCount;
  const firstDuration = first.duration;

  const combined: Array<[Session, Session]> = [];
  const combine = Session.combine;
  Session.combine = (a: Session, b: Session) => {
    combined.push([a, b]);
    return combine.call(Session, a, b);
  };
  let both: Session;
  try {
    profiler.start();
    secondHalfWork(60);
    both = await profiler.stop();
  } finally {
    Session.combine = combine;
  }
  assert.is(combined.length, 1, "the second session is combined with the first");
  const [earlier, later] = combined[0];
  assert.is(earlier, first);
  assert.is(both.sampleCount, firstCount + later.sampleCount);
  assert.is(both.recordCount, first.recordCount + later.recordCount);
  assert.ok(Math.abs(both.duration - (firstDuration + later.duration)) < 1e-9, `${both.duration} = ${firstDuration} + ${later.duration}`);
  assert.is(both.startTime, first.startTime);
  assert.is(profiler.lastSession, both);
  assert.is(secondsIn(both, "firstHalfWork"), secondsIn(first, "firstHalfWork"), "firstHalfWork as in the first session");
  assert.ok(secondsIn(first, "firstHalfWork") > 0, "firstHalfWork in the first session");
  assert.is(secondsIn(first, "secondHalfWork"), 0);
  assert.ok(secondsIn(both, "secondHalfWork") > 0, "secondHalfWork in the combined session");
});

function resetWork(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

test("reset() stops a recording and forgets the session; output() before any session throws", async () => {
  const profiler = new Profiler();
  const noSession = "can't render profile output because this profiler has not completed a profile session yet";
  assert.throws(() => profiler.output(new JSONRenderer()), (error: Error) => error.message === noSession);
  assert.throws(() => profiler.outputText(), (error: Error) => error.message === noSession);

  profiler.start();
  assert.throws(
    () => profiler.outputText(),
    (error: Error) => error.message === "can't render profile output because this profiler is still running",
  );
  resetWork(30);
  await profiler.reset();
  assert.is(profiler.isRunning, false);
  assert.is(profiler.lastSession, null);
  assert.throws(() => profiler.outputText(), (error: Error) => error.message === noSession);

  profiler.start();
  await profiler.stop();
  assert.ok(profiler.lastSession);
  await profiler.reset();
  assert.is(profiler.lastSession, null);
});

function outputWork(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

test("outputText(), output(renderer) and print() render the last session", async () => {
  const profiler = new Profiler();
  profiler.start({ targetDescription: "output test" });
  outputWork(80);
  await profiler.stop();
  const text = profiler.outputText({ unicode: false, color: false });
  assert.match(text, /^\n  _     ._   __\/__/);
  assert.match(text, /\noutput test\n/);
  assert.match(text, /\boutputWork  tests\/profiler\/profiler\.test\.ts:\d+\n/);
  assert.not.match(text, /[└├│]/, "unicode: false");

  const json = JSON.parse(profiler.output(new JSONRenderer()));
  assert.is(json.target_description, "output test");
  assert.ok(JSON.stringify(json.root_frame).includes('"function": "outputWork"') || JSON.stringify(json.root_frame).includes('"function":"outputWork"'));
  assert.is(profiler.output(new ConsoleRenderer({ unicode: false, color: false })), text);

  let printed = "";
  profiler.print({ stream: { write: (chunk: string) => (printed += chunk) }, unicode: false, color: false });
  assert.is(printed, text + "\n");
});

function stopSyncWork(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

test(`stopSync() ${RUNTIME === "node" ? "returns the session at once on Node" : `throws a clear error on ${RUNTIME}`}`, async () => {
  const profiler = new Profiler();
  profiler.start();
  stopSyncWork(60);
  if (RUNTIME === "node") {
    const session = profiler.stopSync();
    assert.is(profiler.isRunning, false);
    assert.ok(session.samples.frames.frameInfos.some((info) => functionOf(info) === "stopSyncWork"));
    assert.ok(secondsIn(session, "stopSyncWork") > 0);
    return;
  }
  try {
    assert.throws(() => profiler.stopSync(), (error: Error) => error.message === `stopSync() needs Node: ${RUNTIME} delivers profiles asynchronously, use await stop()`);
    assert.is(profiler.isRunning, true, "still running: stop() can still end it");
  } finally {
    await profiler.stop();
  }
  assert.ok(profiler.lastSession && secondsIn(profiler.lastSession, "stopSyncWork") > 0);
});

function decoratedSync(ms: number): string {
  const end = performance.now() + ms;
  while (performance.now() < end);
  return `done after ${ms}`;
}

async function decoratedAsync(ms: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 1));
  const end = performance.now() + ms;
  while (performance.now() < end);
  return ms * 2;
}

const REPORT_END = /\n\.{20,}\n\n$/;

test("profile(fn) on a sync function: returns its value, prints a short report naming it to stderr", async () => {
  const wrapped = profile(decoratedSync);
  assert.is(wrapped.name, "decoratedSync");
  let value: string | undefined;
  const stderr = await captureStderr(() => {
    value = wrapped(60);
  }, (text) => REPORT_END.test(text));
  assert.is(value, "done after 60");
  assert.ok(stderr.startsWith("\npyinstrument ....."), JSON.stringify(stderr.slice(0, 80)));
  assert.match(stderr, /Function decoratedSync at .*profiler\.test\.ts:\d+/);
  assert.match(stderr, /\bdecoratedSync  tests\/profiler\/profiler\.test\.ts:\d+/);
  assert.match(stderr, REPORT_END);
});

test("profile(options)(fn) on an async function: resolves to its value, then the report", async () => {
  const wrapped = profile({ interval: 0.0005 })(decoratedAsync);
  let value: number | undefined;
  const stderr = await captureStderr(async () => {
    value = await wrapped(60);
  }, (text) => REPORT_END.test(text));
  assert.is(value, 120);
  assert.ok(stderr.startsWith("\npyinstrument ....."), JSON.stringify(stderr.slice(0, 80)));
  assert.match(stderr, /Function decoratedAsync at .*profiler\.test\.ts:\d+/);
  assert.match(stderr, /\bdecoratedAsync  tests\/profiler\/profiler\.test\.ts:\d+/);
});

test("profile(fn): an error thrown by the function still ends its profile", async () => {
  const failing = profile(function failingWork(): never {
    const end = performance.now() + 20;
    while (performance.now() < end);
    throw new Error("failing work");
  });
  const stderr = await captureStderr(() => {
    assert.throws(() => failing(), /failing work/);
  }, (text) => REPORT_END.test(text));
  assert.match(stderr, /Function failingWork/);
  // the profiler was stopped: a new one can start (Bun has a single profiler)
  const next = new Profiler();
  next.start();
  await next.stop();
});

const disposeSymbol: symbol = (Symbol as { dispose?: symbol }).dispose ?? Symbol.for("Symbol.dispose");
const asyncDisposeSymbol: symbol = (Symbol as { asyncDispose?: symbol }).asyncDispose ?? Symbol.for("Symbol.asyncDispose");

function disposeWork(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

function asyncDisposeWork(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

test("Symbol.dispose stops the profiler (the session follows at once on Node, a moment later elsewhere)", async () => {
  const profiler = new Profiler();
  profiler.start();
  disposeWork(50);
  (profiler as unknown as Record<symbol, () => void>)[disposeSymbol]();
  assert.is(profiler.isRunning, false);
  const deadline = performance.now() + 5000;
  while (!profiler.lastSession && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(profiler.lastSession, "the session arrives");
  assert.ok(secondsIn(profiler.lastSession!, "disposeWork") > 0);
  // disposing a stopped profiler does nothing
  (profiler as unknown as Record<symbol, () => void>)[disposeSymbol]();
});

test("Symbol.asyncDispose stops the profiler and waits for the session", async () => {
  const profiler = new Profiler();
  profiler.start();
  asyncDisposeWork(50);
  await (profiler as unknown as Record<symbol, () => Promise<void>>)[asyncDisposeSymbol]();
  assert.is(profiler.isRunning, false);
  assert.ok(profiler.lastSession);
  assert.ok(secondsIn(profiler.lastSession!, "asyncDisposeWork") > 0);
  await (profiler as unknown as Record<symbol, () => Promise<void>>)[asyncDisposeSymbol]();
});

test.run();

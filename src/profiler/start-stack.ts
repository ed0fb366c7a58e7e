import { fileURLToPath } from "node:url";
import { frameInfoFile, isLibraryFrameInfo, isLibraryPath } from "../frame/library.ts";
import type { SampleData } from "../session/samples.ts";
import { isOwnFile } from "../util/own-files.ts";

/** A caller of `Profiler.start()` as a stack trace names it; `file` null matches any file. */
export interface CallerFrame {
  name: string;
  file: string | null;
}

interface TraceFrame {
  name: string;
  file: string;
  line: number;
}

/**
 * The current stack trace outside this profiler's own code, innermost first. V8 writes
 * `at name (url:line:col)` lines, JavaScriptCore `name@url:line:col`; both are read.
 */
function traceOutsideProfiler(): TraceFrame[] {
  const frames: TraceFrame[] = [];
  for (const line of (new Error().stack ?? "").split("\n")) {
    const v8 = /^\s*at (?:async )?(?:new )?(?:(.*?) \()?(.+?):(\d+):\d+\)?$/.exec(line);
    const match = v8 ?? /^(.*?)@(.+?):(\d+):\d+$/.exec(line);
    if (!match) continue;
    const file = toPath(match[2]);
    if (!isOwnFile(file)) frames.push({ name: match[1] ?? "", file, line: Number(match[3]) });
  }
  return frames;
}

function toPath(location: string): string {
  if (!location.startsWith("file:")) return location;
  try {
    return fileURLToPath(location);
  } catch {
    return location;
  }
}

/** `file:line` of the code that called into this profiler, for report descriptions. */
export function callerLocation(): string | null {
  const [caller] = traceOutsideProfiler();
  return caller ? `${caller.file}:${caller.line}` : null;
}

/**
 * The code that called `start()`, outermost first. Only the application's frames are kept: the
 * runtime's are skipped while matching anyway, and stack traces show only some of them.
 */
export function captureCallers(): CallerFrame[] {
  return traceOutsideProfiler()
    .filter(({ file }) => !isLibraryPath(file) && file.includes("/"))
    .map(({ name, file }) => ({ name: name.split(".").pop() ?? "", file }))
    .reverse();
}

/**
 * The frame infos of the path in the session's stack trie that matches the callers, from the
 * root: the stem that reports trim, as pyinstrument trims the frames above `start()`. Runtime
 * frames that stack traces don't show (V8's `evaluate`, the microtask queue) may sit between
 * two callers.
 */
export function startCallStackOf(samples: SampleData, callers: readonly CallerFrame[]): string[] {
  const { frames, stacks } = samples;
  const children: number[][] = Array.from({ length: stacks.count }, () => []);
  const roots: number[] = [];
  for (let node = 0; node < stacks.count; node++) {
    const parent = stacks.parent.data[node];
    (parent === -1 ? roots : children[parent]).push(node);
  }
  const infoOf = (node: number) => frames.frameInfos[stacks.frame.data[node]];
  let path: number[] = roots.length === 1 ? [roots[0]] : [];
  for (const caller of callers) {
    if (path.length === 0) break;
    const found = findBelow(path[path.length - 1], caller, children, infoOf);
    if (!found) break;
    path = [...path, ...found];
  }
  return path.map(infoOf);
}

/** The shortest path below `start` to a frame matching `caller`, through runtime frames only. */
function findBelow(
  start: number,
  caller: CallerFrame,
  children: readonly number[][],
  infoOf: (node: number) => string,
): number[] | null {
  let level: number[][] = children[start].map((node) => [node]);
  for (let depth = 0; depth < 4 && level.length; depth++) {
    const next: number[][] = [];
    for (const path of level) {
      const node = path[path.length - 1];
      const info = infoOf(node);
      if (matches(info, caller)) return path;
      if (isLibraryFrameInfo(info)) for (const child of children[node]) next.push([...path, child]);
    }
    level = next;
  }
  return null;
}

function matches(frameInfo: string, caller: CallerFrame): boolean {
  if (caller.file !== null && frameInfoFile(frameInfo) !== caller.file) return false;
  const name = frameInfo.slice(0, frameInfo.indexOf("\x00"));
  if (caller.name === "" || caller.name === "<anonymous>" || caller.name === "module code" || caller.name === "global code") {
    return name === "<module>" || name === "(anonymous)";
  }
  return name === caller.name;
}

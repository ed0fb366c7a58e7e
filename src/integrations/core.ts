// The runtime- and framework-agnostic part of the web integrations: options, the enabled check,
// `?profile` detection, starting and stopping a request's profile, rendering, and saving it to
// `profileDir` under a file name that can't leave that folder. The adapters (fetch, hono, express,
// fastify) only translate their framework's request and response to these calls.
import { closeSync, mkdirSync, openSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { Profiler, SHORT_PROFILE } from "../profiler/profiler.ts";
import type { Renderer } from "../renderers/base.ts";
import { ConsoleRenderer } from "../renderers/console.ts";
import { HTMLRenderer } from "../renderers/html/html-renderer.ts";
import { SessionRenderer } from "../renderers/session.ts";
import { SpeedscopeRenderer } from "../renderers/speedscope.ts";
import { requestSamplersOverlap } from "../runtime/index.ts";
import type { Session } from "../session/session.ts";
import { writeTextFileAtomic } from "../util/files.ts";
import { pyFixed, pyFloatRepr } from "../util/pyformat.ts";
import { nextTask, unrefTimer } from "../util/timers.ts";

export type RendererName = "html" | "speedscope" | "session" | "text";

/** What a `filename` callback gets to name a saved profile. */
export interface FilenameInfo {
  method: string;
  /** The request's path and query string, as sent (`/users/1?x=2`). */
  fullPath: string;
  session: Session;
  renderer: Renderer;
}

export interface WebProfilerOptions<Req = unknown> {
  /**
   * Whether profiling is available at all; a function decides per request (e.g. for staff only).
   * Default false: `?profile` and `profileDir` do nothing until the application turns this on.
   */
  enabled?: boolean | ((request: Req) => boolean | Promise<boolean>);
  /** The query argument that returns a request's profile instead of its response. Default "profile". */
  urlArgument?: string;
  /** Profile every (enabled) request and save its profile in this folder (created if missing). */
  profileDir?: string | null;
  /** Format of the saved profiles: "html" (default), "speedscope", "session", "text", or a renderer. */
  renderer?: RendererName | Renderer;
  /**
   * Saved profiles' file names: a Python `format` pattern over `total_time`, `path`, `timestamp`,
   * `ext`, `method` (default `{total_time:.3f}s {path} {timestamp:.0f}.{ext}`), or a function.
   * Whatever it gives, the name is made safe: one file directly inside `profileDir`.
   */
  filename?: string | ((info: FilenameInfo) => string);
  /** Seconds between samples. Default 0.001. */
  interval?: number;
  /** Called when saving or rendering a profile fails (the response is not affected). Default: console.error. */
  onError?: (error: unknown) => void;
}

export const DEFAULT_FILENAME = "{total_time:.3f}s {path} {timestamp:.0f}.{ext}";

/** What to do with one request. */
export interface RequestPlan {
  method: string;
  fullPath: string;
  /** `?profile`: answer with the HTML report instead of the response. */
  show: boolean;
  /** `profileDir`: save the profile. */
  save: boolean;
}

/** A request being profiled. */
export interface Recording {
  plan: RequestPlan;
  profiler: Profiler;
  release: () => void;
}

export type StartResult = Recording | { busy: string } | null;

export interface FinishResult {
  /** The HTML report as UTF-8, for `?profile` requests. */
  page?: Uint8Array<ArrayBuffer>;
  /** Where the profile was saved, if it was. */
  savedPath?: string;
}

const HTML_HEADERS = { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" };
export const htmlHeaders = (): Record<string, string> => ({ ...HTML_HEADERS });
const BUSY_HEADERS = { "content-type": "text/plain; charset=utf-8", "retry-after": "1", "cache-control": "no-store" };
export const busyHeaders = (): Record<string, string> => ({ ...BUSY_HEADERS });

/** Seconds a `?profile` request waits for Bun's single profiler before getting a 503. */
const BUSY_WAIT_SECONDS = 30;

/** The per-middleware state built from the options; adapters call `plan`, `start`, `finish`. */
export class WebProfiler<Req = unknown> {
  readonly enabled: boolean | ((request: Req) => boolean | Promise<boolean>);
  readonly urlArgument: string;
  readonly profileDir: string | null;
  readonly interval: number;
  private readonly renderer: Renderer;
  private readonly filename: string | ((info: FilenameInfo) => string);
  private readonly onError: (error: unknown) => void;
  private dirReady = false;

  constructor(options: WebProfilerOptions<Req> = {}) {
    this.enabled = options.enabled ?? false;
    this.urlArgument = options.urlArgument ?? "profile";
    this.profileDir = options.profileDir ? resolve(options.profileDir) : null;
    this.interval = options.interval ?? 0.001;
    if (!(this.interval > 0) || !Number.isFinite(this.interval)) throw new RangeError("interval should be a positive number of seconds");
    this.renderer = rendererFor(options.renderer ?? "html");
    this.filename = options.filename ?? DEFAULT_FILENAME;
    // A bad pattern fails here, when the application starts, not on a request.
    if (typeof this.filename === "string") formatFilename(this.filename, { total_time: 0, path: "", timestamp: 0, ext: "", method: "" });
    this.onError = options.onError ?? ((error) => console.error("pyinstrument: can't save a request's profile:", error));
  }

  /** True when no request can ever be profiled: adapters then skip all work. */
  get off(): boolean {
    return this.enabled === false;
  }

  /**
   * What to do with a request, or null to serve it untouched. `url` is the full URL or the path
   * with its query string. Synchronous (no promise) unless `enabled` is an async function.
   */
  plan(request: Req, method: string, url: string): RequestPlan | null | Promise<RequestPlan | null> {
    if (this.enabled === false) return null;
    const fullPath = pathOf(url);
    const show = hasQueryArgument(fullPath, this.urlArgument);
    const save = this.profileDir !== null;
    if (!show && !save) return null;
    const plan: RequestPlan = { method, fullPath, show, save };
    if (this.enabled === true) return plan;
    const verdict = this.enabled(request);
    if (typeof verdict === "boolean") return verdict ? plan : null;
    return Promise.resolve(verdict).then((yes) => (yes ? plan : null));
  }

  /**
   * Starts the request's profile. Null when it can't be profiled and should be served as usual; a
   * `busy` message (answer 503) for a `?profile` request that waited too long for Bun's profiler.
   */
  async start(plan: RequestPlan): Promise<StartResult> {
    let release = () => {};
    if (PROFILER_LOCK.exclusive) {
      if (!plan.show) {
        // Saving every request must not queue requests behind each other: skip this one.
        const got = PROFILER_LOCK.tryAcquire();
        if (!got) return null;
        release = got;
      } else {
        const got = await PROFILER_LOCK.acquire(BUSY_WAIT_SECONDS * 1000);
        if (!got) return { busy: busyMessage() };
        release = got;
      }
    }
    const profiler = new Profiler({ interval: this.interval });
    try {
      await startDetached(profiler, `${plan.method} ${plan.fullPath}`);
    } catch (error) {
      release();
      // Another profiler is running (Bun has only one): serve the request unprofiled.
      if (plan.show) return { busy: `${busyMessage()} (${error instanceof Error ? error.message : String(error)})` };
      return null;
    }
    return { plan, profiler, release };
  }

  /** Stops the profile, saves it (if `profileDir`) and renders the HTML report (if `?profile`). */
  async finish(recording: Recording): Promise<FinishResult> {
    let session: Session;
    try {
      session = await recording.profiler.stop();
    } finally {
      recording.release();
    }
    const result: FinishResult = {};
    const { plan } = recording;
    // Reading the profile and rendering it are separate tasks: requests waiting for the thread go in between.
    await nextTask();
    let output: string | undefined;
    if (plan.save) {
      try {
        output = this.renderer.render(session);
        result.savedPath = this.save(plan, session, output);
      } catch (error) {
        this.onError(error);
      }
    }
    if (plan.show) {
      result.page = output !== undefined && this.renderer instanceof HTMLRenderer ? new TextEncoder().encode(output) : new HTMLRenderer().renderBytes(session);
    }
    return result;
  }

  /** Like `finish`, for when the caller doesn't wait: errors go to `onError`. */
  finishInBackground(recording: Recording): void {
    this.finish(recording).catch(this.onError);
  }

  private save(plan: RequestPlan, session: Session, output: string): string {
    const dir = this.profileDir!;
    if (!this.dirReady) {
      mkdirSync(dir, { recursive: true });
      this.dirReady = true;
    }
    const values = {
      total_time: session.duration,
      path: pathForFilename(plan.fullPath),
      timestamp: Date.now() / 1000,
      ext: this.renderer.outputFileExtension,
      method: plan.method,
    };
    const name = typeof this.filename === "function"
      ? this.filename({ method: plan.method, fullPath: plan.fullPath, session, renderer: this.renderer })
      : formatFilename(this.filename, values);
    if (typeof name !== "string") throw new TypeError("the filename callback should return a string");
    const path = reserveFile(dir, safeFilename(name));
    writeTextFileAtomic(path, output);
    return path;
  }
}

/**
 * Starts the profiler from a microtask of its own. `start()` reads its callers from the stack to
 * trim reports to what runs below them; here the callers (the server's request dispatch) are not
 * where the handler runs, after an await, so with them the report would lose the handler.
 */
function startDetached(profiler: Profiler, targetDescription: string): Promise<void> {
  return new Promise((resolve, reject) => {
    queueMicrotask(() => {
      try {
        profiler.start({ targetDescription, [SHORT_PROFILE]: true });
        resolve();
      } catch (error) {
        reject(error);
      }
    });
  });
}

function rendererFor(renderer: RendererName | Renderer): Renderer {
  if (typeof renderer !== "string") return renderer;
  switch (renderer) {
    case "html": return new HTMLRenderer();
    case "speedscope": return new SpeedscopeRenderer();
    case "session": return new SessionRenderer();
    case "text": return new ConsoleRenderer({ unicode: true, color: false });
  }
  throw new RangeError(`unknown renderer ${JSON.stringify(renderer)}: use html, speedscope, session, text or a Renderer`);
}

function busyMessage(): string {
  return "pyinstrument: the profiler is busy with another request (Bun has a single CPU profiler); try again\n";
}

/** The path and query string of a full URL or of a request target. */
export function pathOf(url: string): string {
  if (url.startsWith("/")) return url;
  const scheme = url.indexOf("://");
  if (scheme === -1) return "/" + url;
  const slash = url.indexOf("/", scheme + 3);
  const query = url.indexOf("?", scheme + 3);
  if (slash === -1 || (query !== -1 && query < slash)) return "/" + (query === -1 ? "" : url.slice(query));
  return url.slice(slash);
}

/** Whether the query string has the argument, with or without a value (`?profile`, `?profile=1`). */
export function hasQueryArgument(fullPath: string, name: string): boolean {
  const mark = fullPath.indexOf("?");
  if (mark === -1) return false;
  const hash = fullPath.indexOf("#", mark);
  const query = fullPath.slice(mark + 1, hash === -1 ? undefined : hash);
  // Cheap test first: most requests don't mention the argument at all.
  if (!query.includes(name.length ? name[0] : "")) return false;
  return new URLSearchParams(query).has(name);
}

/**
 * pyinstrument's `{path}`: the full path with `/` as `_`, cut to 100 characters; here also with
 * every character that a file system might treat specially (separators, `:`, `\`, control and
 * non-ASCII characters, Windows' reserved `<>:"|?*`) replaced, so that the name is one plain file.
 */
export function pathForFilename(fullPath: string): string {
  let path = fullPath.replace(/\//g, "_");
  // pyinstrument swaps ? for _qs_ on Windows; do it everywhere so names are the same on all systems.
  path = path.replace(/\?/g, "_qs_");
  path = path.replace(/[^A-Za-z0-9._\-=&%+,~@ ]/g, "_");
  return path.slice(0, 100);
}

/** A file name that is one entry directly in its folder: not empty, not hidden, not `..`, not too long. */
export function safeFilename(name: string): string {
  let safe = name.replace(/[/\\\x00-\x1f\x7f]/g, "_").replace(/[<>:"|?*]/g, "_");
  safe = safe.replace(/^[.\s]+/, (lead) => "_".repeat(lead.length));
  safe = safe.replace(/[.\s]+$/, "") || "_";
  // Most file systems allow 255 bytes; keep the end (the extension) and leave room for a suffix.
  if (Buffer.byteLength(safe) > 200) {
    const chars = [...safe];
    while (Buffer.byteLength(chars.join("")) > 200) chars.splice(Math.max(0, chars.length - 40), 1);
    safe = chars.join("");
  }
  if (basename(safe) !== safe || safe === "." || safe === "..") safe = "_" + safe.replace(/\./g, "_");
  return safe;
}

/** Claims a name in `dir` that no other file has (`name`, `name-2`, ...) and returns its path. */
function reserveFile(dir: string, name: string): string {
  const dot = name.indexOf(".", name.lastIndexOf(" ") + 1);
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : "";
  for (let n = 1; ; n++) {
    const path = join(dir, n === 1 ? name : `${stem}-${n}${ext}`);
    if (resolve(path) !== join(dir, basename(path))) throw new Error(`unsafe profile file name ${JSON.stringify(name)}`);
    try {
      closeSync(openSync(path, "wx"));
      return path;
    } catch (error) {
      if ((error as { code?: string }).code !== "EEXIST" || n > 1000) throw error;
    }
  }
}

type FormatValue = string | number;

/**
 * Python's `str.format` for the patterns file names use: `{name}`, `{name:.3f}`, `{name:d}`,
 * `{name:>10}` style specs on numbers and strings, and `{{`/`}}` for braces. Numbers print as
 * Python prints its floats (`str(1.5)` is `1.5`, `str(2.0)` is `2.0`).
 */
export function formatFilename(pattern: string, values: Record<string, FormatValue>): string {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === "{" && pattern[i + 1] === "{") { out += "{"; i++; continue; }
    if (char === "}" && pattern[i + 1] === "}") { out += "}"; i++; continue; }
    if (char === "}") throw new SyntaxError(`Single '}' encountered in format string ${JSON.stringify(pattern)}`);
    if (char !== "{") { out += char; continue; }
    const end = pattern.indexOf("}", i);
    if (end === -1) throw new SyntaxError(`Single '{' encountered in format string ${JSON.stringify(pattern)}`);
    const field = pattern.slice(i + 1, end);
    const colon = field.indexOf(":");
    const name = colon === -1 ? field : field.slice(0, colon);
    const spec = colon === -1 ? "" : field.slice(colon + 1);
    if (!(name in values)) throw new RangeError(`unknown field {${name}} in file name pattern ${JSON.stringify(pattern)}: use total_time, path, timestamp, ext, method`);
    out += formatValue(values[name], spec);
    i = end;
  }
  return out;
}

function formatValue(value: FormatValue, spec: string): string {
  const match = /^(?:(.)?([<>^]))?(0)?(\d+)?(?:\.(\d+))?([fds%]?)$/.exec(spec);
  if (!match) throw new RangeError(`unsupported format spec ${JSON.stringify(spec)}`);
  const [, fillChar, align, zero, widthText, precisionText, type] = match;
  let text: string;
  if (typeof value === "number") {
    if (type === "s") throw new RangeError(`Unknown format code 's' for a number`);
    if (type === "d") {
      if (!Number.isInteger(value)) throw new RangeError(`Unknown format code 'd' for object of type 'float'`);
      text = String(value);
    } else if (type === "%") text = pyFixed(value * 100, precisionText ? Number(precisionText) : 6) + "%";
    else if (type === "f" || precisionText) text = pyFixed(value, precisionText ? Number(precisionText) : 6);
    else text = pyFloatRepr(value);
  } else {
    if (type && type !== "s") throw new RangeError(`Unknown format code '${type}' for object of type 'str'`);
    text = precisionText ? value.slice(0, Number(precisionText)) : value;
  }
  const width = widthText ? Number(widthText) : 0;
  if (text.length >= width) return text;
  const fill = fillChar ?? (zero && typeof value === "number" ? "0" : " ");
  const pad = (n: number) => fill.repeat(n);
  const side = align ?? (typeof value === "number" ? ">" : "<");
  const missing = width - text.length;
  if (side === "<") return text + pad(missing);
  if (side === "^") return pad(Math.floor(missing / 2)) + text + pad(Math.ceil(missing / 2));
  return pad(missing) + text;
}

/**
 * Bun has one process-wide CPU profiler, so there one request at a time is profiled: `?profile`
 * requests wait their turn, requests only being saved are served unprofiled while it's taken.
 * Node and Deno profile requests side by side, on one warm profiler (see runtime/warm-v8-sampler.ts).
 */
class ProfilerLock {
  readonly exclusive = !requestSamplersOverlap();
  private held = false;
  private readonly waiters: Array<() => void> = [];

  tryAcquire(): (() => void) | null {
    if (this.held) return null;
    this.held = true;
    return this.releaser();
  }

  acquire(timeoutMs: number): Promise<(() => void) | null> {
    const got = this.tryAcquire();
    if (got) return Promise.resolve(got);
    return new Promise((resolve) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve(this.releaser());
      };
      const timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index !== -1) this.waiters.splice(index, 1);
        resolve(null);
      }, timeoutMs);
      unrefTimer(timer);
      this.waiters.push(waiter);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next(); // hand over: `held` stays true
      else this.held = false;
    };
  }
}

const PROFILER_LOCK = new ProfilerLock();

/** For the Bun queue's tests. */
export const _profilerLockForTests = PROFILER_LOCK;

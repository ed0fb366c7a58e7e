/**
 * Deterministic generators of large saved profiles for bench/load-render.bench.ts.
 *
 *   node --import tsx bench/gen-sessions.ts [pyiSamples] [cpuSamples]   (writes into bench/data/)
 *
 * 1. pyinstrument 5.1.2 `.pyisession` (what `pyinstrument --save` / `Session.save` writes with Python's
 *    `json.dump`, default separators `, ` and `: `): a web-app-like program with a runpy/CLI stem, a few
 *    thousand functions in ~300 files (app code under /srv/shop, stdlib under /usr/lib/python3.11,
 *    site-packages under /usr/local/lib/python3.11/site-packages, `<frozen importlib._bootstrap>`,
 *    `<built-in>`), ~30 % of functions methods (`\x01c<Class>`), every frame with its current line
 *    (`\x01l<line>`: the call site for callers, a varying line for the leaf). Stacks come from ~900 hot
 *    paths that branch off each other (Zipf choice, 65 % of samples stay on the previous path), cut short
 *    by 1–6 frames in half the samples, 15 % with a builtin leaf.
 * 2. Chrome `.cpuprofile` as Node's `--cpu-prof` writes it (compact JSON; keys nodes, startTime, endTime,
 *    samples, timeDeltas; nodes with hitCount, children, positionTicks): `(root)` with `(program)`,
 *    `(idle)`, `(garbage collector)` and several JS entry points (node:internal bootstrap, timers,
 *    task queues) below it; file:// app and node_modules URLs, node:internal URLs; a few thousand nodes;
 *    integer µs deltas around 1000, idle stretches, GC and (program) samples.
 *
 * Files are written to a temporary name and renamed, so an interrupted run never leaves a partial file.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { rng, zipf } from "./random.ts";

/** Bump when the generated content changes: the version is part of the file name. */
export const GENERATOR_VERSION = 1;

export const DATA_DIR = join(dirname(fileURLToPath(import.meta.url)), "data");

// ---------------------------------------------------------------------------
// deterministic randomness

const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: () => number, items: readonly T[]): T => items[Math.floor(r() * items.length)];

// ---------------------------------------------------------------------------
// a synthetic program: modules and functions, shared by both formats

const VERBS = [
  "get", "load", "save", "build", "make", "parse", "render", "resolve", "validate", "compute", "apply",
  "handle", "process", "dispatch", "fetch", "update", "create", "clean", "format", "check", "find", "run",
  "encode", "decode", "read", "write", "emit", "collect", "merge", "split", "normalize", "serialize",
  "prepare", "execute", "compile", "match", "lookup", "register", "wrap", "visit",
];
const NOUNS = [
  "order", "orders", "item", "items", "cart", "user", "session", "query", "row", "rows", "field", "fields",
  "value", "token", "node", "tree", "price", "discount", "invoice", "payment", "request", "response",
  "header", "headers", "template", "context", "config", "cache", "key", "record", "batch", "result",
  "schema", "model", "instance", "payload", "chunk", "path", "url", "params", "state", "stock",
];
const CLASS_NOUNS = [
  "Order", "Cart", "User", "Session", "Query", "Invoice", "Payment", "Request", "Response", "Template",
  "Cache", "Schema", "Model", "Serializer", "Validator", "Router", "Handler", "Manager", "Repository",
  "Service", "Builder", "Parser", "Compiler", "Resolver", "Formatter", "Collector", "Queue", "Worker",
];
const APP_PACKAGES = ["orders", "catalog", "billing", "accounts", "search", "api", "core", "reports", "inventory", "shipping"];
const APP_MODULES = ["models", "views", "services", "utils", "serializers", "forms", "tasks", "queries", "pricing", "helpers", "handlers", "validators", "cache", "signals", "admin"];
const STDLIB = [
  "json/decoder", "json/encoder", "json/__init__", "re/_parser", "re/_compiler", "re/__init__", "collections/__init__",
  "functools", "copy", "datetime", "decimal", "typing", "enum", "logging/__init__", "threading", "socket", "ssl",
  "http/client", "email/message", "urllib/parse", "string", "textwrap", "inspect", "dataclasses", "abc", "contextlib",
  "asyncio/base_events", "asyncio/events", "asyncio/tasks", "selectors", "uuid", "hashlib", "base64", "locale",
  "posixpath", "os", "io", "csv", "pathlib", "shutil", "tempfile", "weakref", "heapq", "bisect", "operator",
  "sqlite3/dbapi2", "importlib/__init__", "importlib/metadata/__init__", "traceback", "linecache",
];
const SITE_PACKAGES = [
  "django/db/models/query", "django/db/models/sql/compiler", "django/db/models/sql/query", "django/db/backends/utils",
  "django/db/models/base", "django/db/models/fields/__init__", "django/template/base", "django/template/defaulttags",
  "django/template/loader_tags", "django/utils/functional", "django/core/handlers/base", "django/core/handlers/exception",
  "django/urls/resolvers", "django/http/response", "django/middleware/common", "django/contrib/auth/middleware",
  "sqlalchemy/orm/session", "sqlalchemy/orm/query", "sqlalchemy/engine/base", "sqlalchemy/engine/default",
  "sqlalchemy/sql/compiler", "sqlalchemy/sql/elements", "psycopg2/extras", "psycopg2/extensions", "redis/client",
  "redis/connection", "requests/sessions", "requests/adapters", "urllib3/connectionpool", "urllib3/response",
  "jinja2/environment", "jinja2/runtime", "jinja2/compiler", "markupsafe/__init__", "pydantic/main",
  "pydantic/fields", "pydantic/validators", "rest_framework/serializers", "rest_framework/fields",
  "rest_framework/views", "rest_framework/renderers", "celery/app/task", "kombu/messaging", "numpy/core/fromnumeric",
  "numpy/core/_methods", "pandas/core/frame", "pandas/core/series", "pandas/core/indexing", "pandas/core/groupby/groupby",
  "dateutil/parser/_parser", "pytz/__init__", "yaml/constructor", "yaml/scanner", "attr/_make", "certifi/core",
];
const BUILTINS = ["len", "isinstance", "getattr", "hasattr", "sorted", "min", "max", "sum", "iter", "next", "hash", "repr", "setattr"];

const Kind = { App: 0, Stdlib: 1, Site: 2, Builtin: 3 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

interface Func {
  name: string;
  file: string;
  firstLine: number;
  className: string | null;
  kind: Kind;
  /** Number of body lines: current lines are firstLine+1 .. firstLine+span. */
  span: number;
  callees: number[];
}

interface ProgramOptions {
  functions: number;
  pyFiles: boolean;
  /** Shares of app and standard-library functions; the rest are third-party. */
  appShare: number;
  stdShare: number;
}

/** `functions` functions in app, stdlib and third-party modules, each with a few callees. */
function makeProgram(seed: number, options: ProgramOptions): Func[] {
  const r = rng(seed);
  const funcs: Func[] = [];
  const seen = new Set<string>();
  const appFiles: string[] = [];
  for (const pkg of APP_PACKAGES) {
    for (const mod of APP_MODULES) {
      appFiles.push(options.pyFiles ? `/srv/shop/shop/${pkg}/${mod}.py` : `/srv/shop/src/${pkg}/${mod}.js`);
    }
  }
  const stdFiles = options.pyFiles
    ? STDLIB.map((m) => `/usr/lib/python3.11/${m}.py`)
    : STDLIB.map((m) => `node:internal/${m.replace(/\/__init__$/, "")}`);
  const siteFiles = options.pyFiles
    ? SITE_PACKAGES.map((m) => `/usr/local/lib/python3.11/site-packages/${m}.py`)
    : SITE_PACKAGES.map((m) => `/srv/shop/node_modules/${m.replace(/\/__init__$/, "/index")}.js`);
  const fileLines = new Map<string, number>();
  const addFunc = (kind: Kind, file: string): void => {
    let name: string;
    for (;;) {
      name = `${r() < 0.25 ? "_" : ""}${pick(r, VERBS)}_${pick(r, NOUNS)}`;
      if (r() < 0.15) name += `_${pick(r, NOUNS)}`;
      if (!seen.has(`${file}:${name}`)) break;
    }
    seen.add(`${file}:${name}`);
    if (!options.pyFiles) name = name.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
    const line = (fileLines.get(file) ?? int(r, 1, 40)) + int(r, 3, 60);
    fileLines.set(file, line);
    const className = kind !== Kind.Builtin && r() < 0.3 ? `${pick(r, CLASS_NOUNS)}${pick(r, ["", "", "Base", "Mixin", "Impl"])}` : null;
    funcs.push({ name, file, firstLine: line, className, kind, span: int(r, 4, 50), callees: [] });
  };
  const nApp = Math.round(options.functions * options.appShare);
  const nStd = Math.round(options.functions * options.stdShare);
  const nSite = options.functions - nApp - nStd;
  for (let i = 0; i < nApp; i++) addFunc(Kind.App, appFiles[i % appFiles.length]);
  for (let i = 0; i < nStd; i++) addFunc(Kind.Stdlib, stdFiles[i % stdFiles.length]);
  for (let i = 0; i < nSite; i++) addFunc(Kind.Site, siteFiles[i % siteFiles.length]);
  const builtinStart = funcs.length;
  for (const name of BUILTINS) {
    funcs.push({ name, file: options.pyFiles ? "<built-in>" : "", firstLine: 0, className: null, kind: Kind.Builtin, span: 0, callees: [] });
  }
  const byKind = (kind: Kind): number[] => funcs.flatMap((f, i) => (f.kind === kind ? [i] : []));
  const app = byKind(Kind.App);
  const std = byKind(Kind.Stdlib);
  const site = byKind(Kind.Site);
  // Callees: app code calls mostly app code, then libraries and a bit of stdlib; libraries call
  // mostly their own package (same file prefix), stdlib mostly its own module.
  const popular = (list: number[]): number => list[Math.floor(r() * list.length)];
  const sameDir = (f: Func, list: number[], up: number): number[] => {
    const dir = f.file.split("/").slice(0, -up).join("/") + "/";
    return list.filter((g) => funcs[g].file.startsWith(dir));
  };
  for (let i = 0; i < builtinStart; i++) {
    const f = funcs[i];
    const n = int(r, 3, 8);
    for (let k = 0; k < n; k++) {
      const u = r();
      let callee: number;
      if (u < 0.05) callee = i; // recursion
      else if (f.kind === Kind.App) callee = u < 0.75 ? popular(app) : u < 0.92 ? popular(site) : popular(std);
      else if (f.kind === Kind.Site) {
        const same = sameDir(f, site, 2);
        callee = u < 0.75 && same.length > 0 ? pick(r, same) : u < 0.9 ? popular(site) : popular(std);
      } else {
        const same = sameDir(f, std, 1);
        // ...and calls back into app code (callbacks, wrappers, event emitters).
        callee = u < 0.45 && same.length > 0 ? pick(r, same) : u < 0.75 ? popular(std) : popular(app);
      }
      f.callees.push(callee);
    }
  }
  return funcs;
}

/** Call paths (function indexes, root first) that branch off each other. */
function makePaths(
  r: () => number,
  funcs: Func[],
  stem: number[],
  entries: number[],
  count: number,
  minDepth: number,
  maxDepth: number,
): number[][] {
  const paths: number[][] = [];
  const pickBase = zipf(count, 0.7);
  for (let p = 0; p < count; p++) {
    const depth = int(r, minDepth, maxDepth);
    let path: number[];
    if (p === 0 || r() < 0.03) path = [...stem, pick(r, entries)];
    else {
      const base = paths[Math.min(p - 1, pickBase(r))];
      const cut = int(r, stem.length + 1, Math.max(stem.length + 1, Math.min(base.length, depth) - 1));
      path = base.slice(0, cut);
    }
    while (path.length < depth) {
      const callees = funcs[path[path.length - 1]].callees;
      path.push(pick(r, callees));
    }
    paths.push(path);
  }
  return paths;
}

// ---------------------------------------------------------------------------
// output

class ChunkWriter {
  private parts: string[] = [];
  private size = 0;
  private readonly fd: number;
  written = 0;

  constructor(path: string) {
    this.fd = openSync(path, "w");
  }

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size > 1 << 22) this.flush();
  }

  private flush(): void {
    const text = this.parts.join("");
    this.written += writeSync(this.fd, text);
    this.parts = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

function writeAtomically(path: string, body: (out: ChunkWriter) => void): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const out = new ChunkWriter(temporary);
  body(out);
  out.close();
  renameSync(temporary, path);
}

// ---------------------------------------------------------------------------
// 1. pyinstrument .pyisession

/** Python's `json.dumps` of a frame-info string: control characters as `\u00XX`. */
const pyJSON = (text: string): string => JSON.stringify(text);

/** Python's float repr (shortest round trip) agrees with JS for the magnitudes used here. */
const pyFloat = (value: number): string => (Number.isInteger(value) ? value.toFixed(1) : String(value));

export interface PyisessionOptions {
  /** Depth range of the hot paths (stacks are that plus the thread frame, less 1-6 in half the samples). */
  minDepth?: number;
  maxDepth?: number;
  seed?: number;
}

export const DEFAULT_PYI_DEPTH: readonly [number, number] = [18, 35];

export function generatePyisession(path: string, samples: number, options: PyisessionOptions = {}): void {
  const seed = options.seed ?? 1;
  const funcs = makeProgram(seed, { functions: 3200, pyFiles: true, appShare: 0.45, stdShare: 0.2 });
  const r = rng(seed * 7919 + 1);
  // The CLI stem: runpy and pyinstrument's __main__, then the profiled program's main.
  const stemFuncs: Func[] = [
    { name: "_run_module_as_main", file: "<frozen runpy>", firstLine: 173, className: null, kind: Kind.Stdlib, span: 30, callees: [] },
    { name: "_run_code", file: "<frozen runpy>", firstLine: 65, className: null, kind: Kind.Stdlib, span: 30, callees: [] },
    { name: "<module>", file: "/usr/local/lib/python3.11/site-packages/pyinstrument/__main__.py", firstLine: 1, className: null, kind: Kind.Site, span: 700, callees: [] },
    { name: "main", file: "/usr/local/lib/python3.11/site-packages/pyinstrument/__main__.py", firstLine: 29, className: null, kind: Kind.Site, span: 400, callees: [] },
    { name: "<module>", file: "<string>", firstLine: 1, className: null, kind: Kind.Stdlib, span: 1, callees: [] },
    { name: "run_path", file: "<frozen runpy>", firstLine: 262, className: null, kind: Kind.Stdlib, span: 30, callees: [] },
    { name: "_run_module_code", file: "<frozen runpy>", firstLine: 91, className: null, kind: Kind.Stdlib, span: 10, callees: [] },
    { name: "_run_code", file: "<frozen runpy>", firstLine: 65, className: null, kind: Kind.Stdlib, span: 30, callees: [] },
    { name: "<module>", file: "/srv/shop/manage.py", firstLine: 1, className: null, kind: Kind.App, span: 20, callees: [] },
    { name: "main", file: "/srv/shop/manage.py", firstLine: 7, className: null, kind: Kind.App, span: 15, callees: [] },
  ];
  const stem = stemFuncs.map((f) => funcs.push(f) - 1);
  // A few import chains through importlib, as a long-running program still imports lazily.
  const importChainFuncs: Func[] = [
    { name: "_find_and_load", file: "<frozen importlib._bootstrap>", firstLine: 1165, className: null, kind: Kind.Stdlib, span: 20, callees: [] },
    { name: "_find_and_load_unlocked", file: "<frozen importlib._bootstrap>", firstLine: 1120, className: null, kind: Kind.Stdlib, span: 30, callees: [] },
    { name: "_load_unlocked", file: "<frozen importlib._bootstrap>", firstLine: 666, className: null, kind: Kind.Stdlib, span: 30, callees: [] },
    { name: "exec_module", file: "<frozen importlib._bootstrap_external>", firstLine: 934, className: null, kind: Kind.Stdlib, span: 10, callees: [] },
    { name: "_call_with_frames_removed", file: "<frozen importlib._bootstrap>", firstLine: 233, className: null, kind: Kind.Stdlib, span: 2, callees: [] },
  ];
  const importChain = importChainFuncs.map((f) => funcs.push(f) - 1);
  const appFuncs = funcs.flatMap((f, i) => (f.kind === Kind.App && i < stem[0] ? [i] : []));
  for (let k = 0; k < importChain.length - 1; k++) funcs[importChain[k]].callees.push(importChain[k + 1]);
  funcs[importChain[importChain.length - 1]].callees.push(...appFuncs.slice(0, 20));
  const entries = appFuncs.slice(0, 40);
  funcs[stem[stem.length - 1]].callees.push(...entries, importChain[0]);
  for (let i = 0; i < 30; i++) funcs[appFuncs[int(r, 0, appFuncs.length - 1)]].callees.push(importChain[0]);
  const builtins = funcs.flatMap((f, i) => (f.kind === Kind.Builtin ? [i] : []));

  const paths = makePaths(r, funcs, stem, entries, 2500, options.minDepth ?? DEFAULT_PYI_DEPTH[0], options.maxDepth ?? DEFAULT_PYI_DEPTH[1]);

  // Frame-info JSON strings by function and current line.
  const cache = new Map<number, string>();
  const frameJSON = (f: number, line: number): string => {
    const key = f * 100000 + line;
    let text = cache.get(key);
    if (text === undefined) {
      const fn = funcs[f];
      let info = `${fn.name}\0${fn.file}\0${fn.firstLine}`;
      if (fn.kind !== Kind.Builtin) {
        if (fn.className) info += `\x01c${fn.className}`;
        info += `\x01l${line}`;
      }
      text = pyJSON(info);
      cache.set(key, text);
    }
    return text;
  };
  /** The line from which `caller` calls `callee` (fixed per pair, as in real code). */
  const callLine = (caller: number, callee: number): number => {
    const fn = funcs[caller];
    const h = Math.imul(caller + 1, 0x9e3779b1) ^ Math.imul(callee + 7, 0x85ebca77);
    return fn.firstLine + 1 + ((h >>> 0) % Math.max(1, fn.span));
  };
  // Each path as JSON strings of its frames at their call-site lines (the last frame's line varies).
  const pathCallers = paths.map((path) => path.map((f, d) => (d + 1 < path.length ? frameJSON(f, callLine(f, path[d + 1])) : "")));

  const threadFrame = pyJSON("MainThread\0<thread>\x00140000");
  const startCallStack = [
    threadFrame,
    ...stem.slice(0, 4).map((f, d) => frameJSON(f, callLine(f, stem[d + 1]) + (d === 3 ? -4 : 0))),
  ];
  const pickPath = zipf(paths.length, 1.0);

  // Pass 1: every sample's choices (the header needs the total duration before the records).
  const samplePath = new Int32Array(samples);
  const sampleDepth = new Int32Array(samples);
  const sampleLine = new Int32Array(samples);
  const sampleBuiltin = new Int32Array(samples).fill(-1);
  const sampleWeight = new Float64Array(samples);
  let duration = 0;
  for (let s = 0, p = 0; s < samples; s++) {
    if (s === 0 || r() >= 0.65) p = pickPath(r);
    const path = paths[p];
    const depth = r() < 0.5 ? path.length - int(r, 1, 6) : path.length;
    const fn = funcs[path[depth - 1]];
    samplePath[s] = p;
    sampleDepth[s] = depth;
    sampleLine[s] = fn.firstLine + 1 + Math.floor(Math.pow(r(), 2) * fn.span);
    if (r() < 0.15) sampleBuiltin[s] = pick(r, builtins);
    let weight = 0.000995 + r() * 0.00002;
    if (r() < 0.01) weight *= 2 + r() * 18;
    sampleWeight[s] = weight;
    duration += weight;
  }
  duration *= 1.004;

  const sysPath = ["/srv/shop", "/usr/lib/python311.zip", "/usr/lib/python3.11", "/usr/lib/python3.11/lib-dynload", "/usr/local/lib/python3.11/site-packages"];
  const list = (items: string[]): string => `[${items.join(", ")}]`;
  writeAtomically(path, (out) => {
    out.write(
      `{"start_time": ${pyFloat(1795567338.999897)}, "duration": ${pyFloat(duration)}, "min_interval": 0.001, ` +
        `"max_interval": 0.001, "sample_count": ${samples}, "start_call_stack": ${list(startCallStack)}, ` +
        `"target_description": "Program: /srv/shop/manage.py runbench", "cpu_time": ${pyFloat(duration * 0.93)}, ` +
        `"sys_path": ${list(sysPath.map(pyJSON))}, "sys_prefixes": ${list(["/usr", "/usr", "/usr", "/usr"].map(pyJSON))}, ` +
        `"frame_records": [`,
    );
    for (let s = 0; s < samples; s++) {
      const callers = pathCallers[samplePath[s]];
      const depth = sampleDepth[s];
      let text = s === 0 ? "[[" : ", [[";
      text += threadFrame;
      for (let d = 0; d < depth - 1; d++) text += ", " + callers[d];
      text += ", " + frameJSON(paths[samplePath[s]][depth - 1], sampleLine[s]);
      if (sampleBuiltin[s] !== -1) text += ", " + frameJSON(sampleBuiltin[s], 0);
      text += "], " + pyFloat(sampleWeight[s]) + "]";
      out.write(text);
    }
    out.write("]}");
  });
}

// ---------------------------------------------------------------------------
// 2. Chrome .cpuprofile (Node --cpu-prof)

interface CallFrameSpec {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

interface TreeNode {
  id: number;
  frame: CallFrameSpec;
  children: TreeNode[];
  childByKey: Map<string, TreeNode>;
  hits: number;
  lineTicks: Map<number, number> | null;
}

export interface CpuprofileOptions {
  /** `node`: compact JSON as Node's --cpu-prof writes it; `deno`: indented by 2 as Deno's --cpu-prof writes it. */
  layout?: "node" | "deno";
  seed?: number;
}

export function generateCpuprofile(path: string, samples: number, options: CpuprofileOptions = {}): void {
  const seed = options.seed ?? 2;
  const funcs = makeProgram(seed, { functions: 3000, pyFiles: false, appShare: 0.55, stdShare: 0.06 });
  const r = rng(seed * 7919 + 1);
  const scriptIds = new Map<string, number>();
  const scriptId = (url: string): string => {
    if (url === "") return "0";
    let id = scriptIds.get(url);
    if (id === undefined) scriptIds.set(url, (id = url.startsWith("node:") ? 10 + scriptIds.size : 80 + scriptIds.size));
    return String(id);
  };
  const urlOf = (fn: Func): string => (fn.kind === Kind.Builtin ? "" : fn.file.startsWith("/") ? `file://${fn.file}` : fn.file);
  const callFrameOf = (f: number): CallFrameSpec => {
    const fn = funcs[f];
    if (fn.kind === Kind.Builtin) return { functionName: fn.name, url: "", lineNumber: -1, columnNumber: -1 };
    const name = fn.className && r() < 0.5 ? `${fn.className}.${fn.name}` : fn.name;
    return { functionName: name, url: urlOf(fn), lineNumber: fn.firstLine - 1, columnNumber: 2 + (fn.name.length % 30) };
  };
  const frames = funcs.map((_, f) => callFrameOf(f));
  // Entry stems below (root): the main module, timers and the microtask queue, as in a server.
  const special = (functionName: string): CallFrameSpec => ({ functionName, url: "", lineNumber: -1, columnNumber: -1 });
  const internal = (functionName: string, file: string, lineNumber: number, columnNumber: number): CallFrameSpec =>
    ({ functionName, url: `node:internal/${file}`, lineNumber, columnNumber });
  const stems: CallFrameSpec[][] = [
    [
      internal("", "main/run_main_module", 0, 0),
      internal("executeUserEntryPoint", "modules/run_main", 124, 29),
      internal("runEntryPointWithESMLoader", "modules/run_main", 104, 41),
      internal("import", "modules/esm/loader", 471, 14),
      internal("run", "modules/esm/module_job", 220, 11),
      internal("evaluate", "vm/module", 205, 16),
      { functionName: "", url: "file:///srv/shop/src/server.js", lineNumber: 0, columnNumber: 0 },
      { functionName: "main", url: "file:///srv/shop/src/server.js", lineNumber: 11, columnNumber: 22 },
    ],
    [internal("processTimers", "timers", 498, 24), internal("listOnTimeout", "timers", 518, 24)],
    [internal("processTicksAndRejections", "process/task_queues", 71, 34)],
    [internal("emit", "events", 450, 43), internal("onStreamRead", "stream_base_commons", 165, 21)],
  ];
  const appFuncs = funcs.flatMap((f, i) => (f.kind === Kind.App ? [i] : []));

  // Paths: a stem, then function indexes.
  const stemIndex: number[] = [];
  const paths: number[][] = [];
  for (let p = 0; p < 260; p++) {
    const stem = p < 100 ? 0 : int(r, 0, stems.length - 1);
    const depth = int(r, 8, 32);
    let path: number[];
    const base = p > 0 ? paths[int(r, 0, p - 1)] : null;
    if (base && stemIndex[paths.indexOf(base)] === stem && base.length > 2 && r() < 0.85) {
      path = base.slice(0, int(r, 1, Math.min(base.length, depth) - 1));
    } else path = [pick(r, appFuncs.slice(0, 60))];
    while (path.length < depth) path.push(pick(r, funcs[path[path.length - 1]].callees));
    stemIndex.push(stem);
    paths.push(path);
  }

  // The node tree, created as samples need it (ids in creation order, as V8 assigns them).
  let nextId = 1;
  const makeNode = (frame: CallFrameSpec): TreeNode =>
    ({ id: nextId++, frame, children: [], childByKey: new Map(), hits: 0, lineTicks: null });
  const child = (parent: TreeNode, frame: CallFrameSpec): TreeNode => {
    const key = `${frame.functionName}|${frame.url}|${frame.lineNumber}|${frame.columnNumber}`;
    let node = parent.childByKey.get(key);
    if (node === undefined) {
      node = makeNode(frame);
      parent.childByKey.set(key, node);
      parent.children.push(node);
    }
    return node;
  };
  const root = makeNode(special("(root)"));
  const program = child(root, special("(program)"));
  const idle = child(root, special("(idle)"));
  const gc = child(root, special("(garbage collector)"));
  const stemLeaves = stems.map((stem) => stem.reduce((node, frame) => child(node, frame), root));
  // Every path's nodes exist up front (Node's tree also holds nodes from before sampling started).
  const pathNodes = paths.map((path, p) => {
    const nodes: TreeNode[] = [];
    let node = stemLeaves[stemIndex[p]];
    for (const f of path) nodes.push((node = child(node, frames[f])));
    return nodes;
  });

  const pickPath = zipf(paths.length, 1.0);
  const sampleIds = new Int32Array(samples);
  const deltas = new Int32Array(samples);
  let idleLeft = 0;
  let p = 0;
  let total = 0;
  for (let s = 0; s < samples; s++) {
    let node: TreeNode;
    if (idleLeft > 0) {
      idleLeft--;
      node = idle;
    } else {
      const u = r();
      if (u < 0.004) {
        idleLeft = int(r, 5, 200);
        node = idle;
      } else if (u < 0.024) node = gc;
      else if (u < 0.034) node = program;
      else {
        if (r() >= 0.65) p = pickPath(r);
        const nodes = pathNodes[p];
        const depth = r() < 0.5 ? Math.max(1, nodes.length - int(r, 1, 6)) : nodes.length;
        node = nodes[depth - 1];
        if (r() < 0.1 && node.frame.url !== "") {
          const callees = funcs[paths[p][depth - 1]].callees;
          node = child(node, frames[callees[0]]);
        }
      }
    }
    node.hits++;
    if (node.frame.lineNumber >= 0) {
      const line = node.frame.lineNumber + 1 + Math.floor(Math.pow(r(), 2) * 30);
      node.lineTicks ??= new Map();
      node.lineTicks.set(line, (node.lineTicks.get(line) ?? 0) + 1);
    }
    sampleIds[s] = node.id;
    const delta = s === 0 ? int(r, 40, 400) : r() < 0.02 ? int(r, 1300, 9000) : Math.round(1000 + (r() + r() + r() - 1.5) * 140);
    deltas[s] = delta;
    total += delta;
  }

  const startTime = 263716437912;
  // Preorder, as V8 writes the nodes.
  const nodes: unknown[] = [];
  const stack: TreeNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as TreeNode;
    const { functionName, url, lineNumber, columnNumber } = node.frame;
    const json: Record<string, unknown> = {
      id: node.id,
      callFrame: { functionName, scriptId: scriptId(url), url, lineNumber, columnNumber },
      hitCount: node.hits,
    };
    if (node.children.length > 0) json.children = node.children.map((c) => c.id);
    if (node.lineTicks) json.positionTicks = [...node.lineTicks].sort((a, b) => a[0] - b[0]).map(([line, ticks]) => ({ line, ticks }));
    nodes.push(json);
    for (let c = node.children.length - 1; c >= 0; c--) stack.push(node.children[c]);
  }
  const profile = { nodes, startTime, endTime: startTime + total + 1000, samples: Array.from(sampleIds), timeDeltas: Array.from(deltas) };
  const text = options.layout === "deno" ? JSON.stringify(profile, null, 2) : JSON.stringify(profile);
  writeAtomically(path, (out) => out.write(text));
}

// ---------------------------------------------------------------------------

export type ProfileKind = "pyisession" | "cpuprofile-node" | "cpuprofile-deno";

export interface ProfileSpec {
  kind: ProfileKind;
  samples: number;
  /** pyisession only: depth range of the hot paths. */
  depth?: readonly [number, number];
}

export function profilePath(spec: ProfileSpec): string {
  const { kind, samples } = spec;
  const depth = spec.depth ?? DEFAULT_PYI_DEPTH;
  const depthTag = kind === "pyisession" && depth.join() !== DEFAULT_PYI_DEPTH.join() ? `-d${depth[0]}_${depth[1]}` : "";
  const base = kind === "pyisession" ? `pyi-${samples}${depthTag}` : `cpu-${kind.slice(11)}-${samples}`;
  return join(DATA_DIR, `${base}-v${GENERATOR_VERSION}.${kind === "pyisession" ? "pyisession" : "cpuprofile"}`);
}

/** The path of the generated file, generated first if missing. */
export function ensureProfile(spec: ProfileSpec, log: (message: string) => void = () => {}): string {
  const path = profilePath(spec);
  if (!existsSync(path)) {
    const t0 = performance.now();
    if (spec.kind === "pyisession") {
      const [minDepth, maxDepth] = spec.depth ?? DEFAULT_PYI_DEPTH;
      generatePyisession(path, spec.samples, { minDepth, maxDepth });
    } else generateCpuprofile(path, spec.samples, { layout: spec.kind === "cpuprofile-deno" ? "deno" : "node" });
    log(`generated ${path} (${(statSync(path).size / 1e6).toFixed(1)} MB) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return path;
}

const script = process.argv[1] ?? "";
if (script.endsWith("gen-sessions.ts")) {
  const [pyi = "100000", cpu = "1000000"] = process.argv.slice(2);
  const log = (message: string): void => console.log(message);
  console.log(ensureProfile({ kind: "pyisession", samples: Number(pyi) }, log));
  console.log(ensureProfile({ kind: "cpuprofile-node", samples: Number(cpu) }, log));
  console.log(ensureProfile({ kind: "cpuprofile-deno", samples: Number(cpu) }, log));
}

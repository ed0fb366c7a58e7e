// Maps positions in generated JavaScript (bundles, transpiler output) back to the sources it came
// from, through the scripts' source maps. Runtimes report where the code they ran is: Node and Bun
// the bundle's own positions, Deno its own transpiled TypeScript already mapped (and bundles whose
// map a sourceMappingURL comment names, though with the bundle's names), so this is what makes
// bundled code readable on each.
//
// Rules:
// - A script's map is the one its last `//# sourceMappingURL=` comment names (a `data:` URL, or a
//   path or `file:` URL relative to the script), else a sibling `<script>.map`. The comment counts
//   only among the comments after the last code, as the spec puts it: a library that parses
//   source maps has the text in its own code too.
// - Each script's map is loaded once, and so is the fact that it has none. Only the scripts the
//   profile names and the maps they name are read; files over `maxBytes` are skipped.
// - A generated position maps by the closest mapping at or before it on its line, else the first
//   after it (V8 reports a function at its parameter list, which need not start a mapping).
// - The original name replaces the runtime's only when the mapping of the function's own name
//   token carries one (minifiers record renames there): the runtime's name is that token's text.
// - Nothing here throws: an unreadable file or a broken map means "no map".
import { Buffer } from "node:buffer";
import { closeSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  AnyMap,
  decodedMappings,
  GREATEST_LOWER_BOUND,
  LEAST_UPPER_BOUND,
  originalPositionFor,
  type SourceMapSegment,
  type TraceMap,
} from "@jridgewell/trace-mapping";

/** Where generated code came from. */
export interface OriginalPosition {
  /** Absolute path, or the source's URL when it is not a `file:` one (e.g. `webpack://app/src/a.ts`). */
  file: string;
  /** 1-based. */
  line: number;
  /** The original name of the function whose name token is at the position, when it was renamed. */
  name?: string;
}

export interface SourceMapResolverOptions {
  /** Scripts and maps larger than this are not read. */
  maxBytes?: number;
}

export const DEFAULT_MAX_SOURCE_MAP_BYTES = 50 * 1024 * 1024;
/** The end of a script read first: where a sourceMappingURL comment is, unless it holds an inline map. */
const TAIL_BYTES = 16 * 1024;
/** Lines and columns of one script fit one number as key: columns stay below the byte limit. */
const COLUMN_KEY_FACTOR = 2 ** 32;
/** How far back on a line the name token of a function is looked for (segments, characters). */
const NAME_SEGMENTS_BACK = 8;
const NAME_CHARS_BACK = 256;
/** Between a function's name token and V8's position: `f(`, `f=(`, `f: async function*(`, `f=x=>`. */
const NAME_GAP = /^\s*(?:[=:]\s*)?(?:async\b\s*)?(?:function\b\s*)?\*?\s*$/;
const IDENTIFIER_CHAR = /[\p{ID_Continue}$\u200c\u200d]/u;
const LINE_BREAK = /\r\n?|\n/g;

interface ScriptMap {
  script: string;
  map: TraceMap;
  /** By resolved source: its file or URL, or null for a source with no usable name. */
  files: Map<string, string | null>;
  /** Results by generated position (see COLUMN_KEY_FACTOR). */
  positions: Map<number, OriginalPosition | null>;
  /** The script's text and where its lines start, read when a name is first looked for (null: unreadable). */
  text: string | null | undefined;
  lineStarts: number[] | null;
}

/**
 * Source maps of the scripts of one profile. Results are cached for the resolver's life: make one
 * per import of a file, so that rebuilt files are read again next time (profiles of the running
 * process share one: its loaded code stays as it was read).
 */
export class SourceMapResolver {
  readonly maxBytes: number;
  private readonly scripts = new Map<string, ScriptMap | null>();
  /** The absolute paths of the original files that positions mapped to. */
  readonly originalFiles = new Set<string>();

  constructor(options: SourceMapResolverOptions = {}) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_SOURCE_MAP_BYTES;
  }

  /** Whether `script` (an absolute path) has a usable source map. */
  hasMap(script: string): boolean {
    return this.scriptMap(script) !== null;
  }

  /**
   * The original position of a generated one (line and column 0-based) in `script`, an absolute
   * path; null when the script has no usable map or nothing is mapped there. `generatedName` is
   * the function name the runtime reported, whose original name is looked for.
   */
  originalPosition(script: string, line: number, column: number, generatedName = ""): OriginalPosition | null {
    const entry = this.scriptMap(script);
    if (entry === null || !(line >= 0 && column >= 0 && column < COLUMN_KEY_FACTOR)) return null;
    const key = line * COLUMN_KEY_FACTOR + column;
    let result = entry.positions.get(key);
    if (result === undefined) {
      result = this.lookUp(entry, line, column, generatedName);
      entry.positions.set(key, result);
    }
    return result;
  }

  private scriptMap(script: string): ScriptMap | null {
    let entry = this.scripts.get(script);
    if (entry === undefined) {
      entry = loadScriptMap(script, this.maxBytes);
      this.scripts.set(script, entry);
    }
    return entry;
  }

  private lookUp(entry: ScriptMap, line: number, column: number, generatedName: string): OriginalPosition | null {
    try {
      let mapping = originalPositionFor(entry.map, { line: line + 1, column, bias: GREATEST_LOWER_BOUND });
      if (mapping.source === null) mapping = originalPositionFor(entry.map, { line: line + 1, column, bias: LEAST_UPPER_BOUND });
      if (mapping.source === null || mapping.line === null) return null;
      const file = this.fileOf(entry, mapping.source);
      if (file === null) return null;
      const name = generatedName === "" ? undefined : originalName(entry, line, column, generatedName, this.maxBytes);
      return name === undefined ? { file, line: mapping.line } : { file, line: mapping.line, name };
    } catch {
      return null; // mappings that do not decode
    }
  }

  /** A resolved source as a path (`file:` URLs) or as it is (`webpack://...`, which is readable). */
  private fileOf(entry: ScriptMap, source: string): string | null {
    const known = entry.files.get(source);
    if (known !== undefined) return known;
    let file: string | null = source;
    if (source === "") file = null;
    else if (source.startsWith("file:")) {
      try {
        file = fileURLToPath(source);
      } catch {
        file = null; // e.g. `file://host/...` where paths have no host
      }
    }
    if (file !== null && isAbsolute(file)) this.originalFiles.add(file);
    entry.files.set(source, file);
    return file;
  }
}

/** Deno's permission API, where there is one. */
interface DenoPermissions {
  querySync(descriptor: { name: "read"; path: string }): { state: string };
}
const denoPermissions = (globalThis as { Deno?: { permissions?: DenoPermissions } }).Deno?.permissions;

/**
 * Whether reading `path` is allowed without asking. Deno in a terminal would otherwise stop the
 * program to ask the user about each file; a profile is no reason to, so ungranted files are
 * skipped (as if they had no map).
 */
function mayRead(path: string): boolean {
  if (denoPermissions === undefined) return true;
  try {
    return denoPermissions.querySync({ name: "read", path }).state === "granted";
  } catch {
    return false;
  }
}

/** The map of a script, or null when it has none that can be read. */
function loadScriptMap(script: string, maxBytes: number): ScriptMap | null {
  try {
    const found = findMap(script, maxBytes);
    if (found === null) return null;
    // AnyMap also flattens index maps (`sections`); it resolves `sources` against `sourceRoot`
    // and the map's own URL.
    const map = AnyMap(found.json, found.url);
    return { script, map, files: new Map(), positions: new Map(), text: undefined, lineStarts: null };
  } catch {
    return null;
  }
}

/** The map's text and URL (for resolving its sources), from the comment or the sibling file. */
function findMap(script: string, maxBytes: number): { json: string; url: string } | null {
  const reference = sourceMappingUrlOf(script, maxBytes);
  if (reference === undefined) return null; // the script itself cannot be read
  const scriptUrl = pathToFileURL(script).href;
  if (reference === null) {
    const sibling = `${script}.map`;
    const json = readBounded(sibling, maxBytes);
    return json === null ? null : { json, url: pathToFileURL(sibling).href };
  }
  if (reference.startsWith("data:")) {
    const json = decodeDataUrl(reference);
    return json === null ? null : { json, url: scriptUrl };
  }
  const mapPath = mapPathOf(reference, script, scriptUrl);
  if (mapPath === null) return null;
  const json = readBounded(mapPath, maxBytes);
  return json === null ? null : { json, url: pathToFileURL(mapPath).href };
}

/** A comment's map reference as a path: relative to the script, a `file:` URL or a path; never a download. */
function mapPathOf(reference: string, script: string, scriptUrl: string): string | null {
  if (isAbsolute(reference)) return reference;
  try {
    const url = new URL(reference, scriptUrl);
    return url.protocol === "file:" ? fileURLToPath(url) : null;
  } catch {
    return join(dirname(script), reference);
  }
}

/**
 * The URL of the script's sourceMappingURL comment; null without one; undefined when the script
 * cannot be read. Reads the end of the file first: only a huge inline map needs all of it.
 */
function sourceMappingUrlOf(script: string, maxBytes: number): string | null | undefined {
  let fd: number | undefined;
  try {
    // A missing file is the common case when loading someone else's profile: no exception for
    // it (each costs tens of µs, which add up over hundreds of scripts).
    if (!mayRead(script)) return undefined;
    const stat = statSync(script, { throwIfNoEntry: false });
    if (stat === undefined || !stat.isFile() || stat.size > maxBytes) return undefined;
    fd = openSync(script, "r");
    const length = Math.min(stat.size, TAIL_BYTES);
    const buffer = Buffer.allocUnsafe(length);
    let read = 0;
    while (read < length) {
      const count = readSync(fd, buffer, read, length - read, stat.size - length + read);
      if (count === 0) break;
      read += count;
    }
    const tail = trailingComment(buffer.toString("utf8", 0, read), read === stat.size);
    if (tail !== undefined || read === stat.size) return tail ?? null;
    const whole = trailingComment(readFileSync(script, "utf8"), true);
    return whole ?? null;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The URL of a sourceMappingURL comment among the comments after the last code of `text`; null
 * when there is none; undefined when `text` is only the end of the file and that does not decide.
 */
function trailingComment(text: string, complete: boolean): string | null | undefined {
  let end = text.length;
  for (;;) {
    const start = text.lastIndexOf("\n", end - 1) + 1;
    const line = text.slice(start, end).trim();
    if (start === 0 && !complete) {
      // The line may begin before the text. Only the URL of a comment has no whitespace for so
      // long (minified code has some), so a line with whitespace is code or another comment.
      return /\s/.test(line) ? null : undefined;
    }
    if (line !== "") {
      const match = /^\/\/[#@]\s*sourceMappingURL=\s*(\S+)$/.exec(line) ??
        /^\/\*[#@]\s*sourceMappingURL=\s*(\S+?)\s*\*\/$/.exec(line);
      if (match) return match[1];
      if (!line.startsWith("//")) return null; // code: no comment after it names a map
    }
    if (start === 0) return null;
    end = start - 1;
  }
}

/** The text of a `data:` URL (base64 or percent-encoded); null if it is malformed. */
function decodeDataUrl(url: string): string | null {
  const comma = url.indexOf(",");
  if (comma === -1) return null;
  const data = url.slice(comma + 1);
  if (/;base64$/i.test(url.slice(0, comma))) return Buffer.from(data, "base64").toString("utf8");
  try {
    return decodeURIComponent(data);
  } catch {
    return null;
  }
}

function readBounded(path: string, maxBytes: number): string | null {
  try {
    if (!mayRead(path)) return null;
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat === undefined || !stat.isFile() || stat.size > maxBytes) return null;
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/**
 * The original name of the function the runtime named `generatedName` at (line, column): the
 * `names` entry of the mapping of its name token, the closest one before the position whose text
 * is `generatedName` with only `=`, `:`, `async`, `function`, `*` between. Other named mappings
 * nearby (a parameter, the callee of an enclosing call) are not the function's name.
 */
function originalName(entry: ScriptMap, line: number, column: number, generatedName: string, maxBytes: number): string | undefined {
  if (entry.map.names.length === 0) return undefined;
  const segments = decodedMappings(entry.map)[line];
  if (segments === undefined || segments.length === 0) return undefined;
  const lineStart = lineOffset(entry, line, maxBytes);
  const text = entry.text;
  if (lineStart === -1 || typeof text !== "string") return undefined;
  // Offsets into the whole text: a minified bundle is one long line, not to be copied per lookup.
  const position = lineStart + column;
  let k = lastSegmentAtOrBefore(segments, column);
  for (let steps = 0; k >= 0 && steps < NAME_SEGMENTS_BACK; k--, steps++) {
    const segment = segments[k];
    const start = lineStart + segment[0];
    if (position - start > NAME_CHARS_BACK) break;
    const end = start + generatedName.length;
    if (
      end <= position && text.startsWith(generatedName, start) &&
      (start === lineStart || !IDENTIFIER_CHAR.test(text.charAt(start - 1))) && NAME_GAP.test(text.slice(end, position))
    ) {
      return segment.length === 5 ? entry.map.names[segment[4]] : undefined;
    }
  }
  return undefined;
}

function lastSegmentAtOrBefore(segments: readonly SourceMapSegment[], column: number): number {
  let low = 0;
  let high = segments.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (segments[middle][0] <= column) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/**
 * Where a line of the script starts in its text, -1 if it has no such line or cannot be read.
 * The text is the file as it is now, the best guess at what the runtime ran.
 */
function lineOffset(entry: ScriptMap, line: number, maxBytes: number): number {
  if (entry.text === undefined) {
    entry.text = readBounded(entry.script, maxBytes);
    if (entry.text !== null) {
      const starts = [0];
      for (const match of entry.text.matchAll(LINE_BREAK)) starts.push(match.index + match[0].length);
      entry.lineStarts = starts;
    }
  }
  const { lineStarts } = entry;
  return lineStarts === null || line >= lineStarts.length ? -1 : lineStarts[line];
}

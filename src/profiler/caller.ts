import { fileURLToPath } from "node:url";

/**
 * `file:line` of a caller, from the current stack trace: `depth` 0 is the function calling this
 * one, 1 its caller. V8 and JavaScriptCore format stack lines differently; both are read.
 */
export function callerLocation(depth: number): string | null {
  const lines = (new Error().stack ?? "").split("\n").filter((line) => /:\d+(:\d+)?\)?\s*$/.test(line));
  const line = lines[depth + 1];
  if (!line) return null;
  const match = /(?:\(|@|at )((?:file|https?|node|ext):\/?\/?[^\s()]*?|\/[^\s()]*?):(\d+)(?::\d+)?\)?\s*$/.exec(line);
  if (!match) return null;
  let file = match[1];
  if (file.startsWith("file:")) {
    try {
      file = fileURLToPath(file);
    } catch {
      // keep the URL
    }
  }
  return `${file}:${match[2]}`;
}

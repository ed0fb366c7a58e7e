import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { pid } from "node:process";
import { basename, dirname, join } from "node:path";

/** A user-facing failure: the CLI prints its message on one line and exits non-zero. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

export function readTextFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UserError(`can't read ${path}: ${describeFsError(error)}`);
  }
}

/** Writes the whole file or nothing: a reader never sees a half-written file at `path`. */
export function writeTextFileAtomic(path: string, text: string | readonly string[]): void {
  const temporary = join(dirname(path), `.${basename(path)}.${pid}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temporary, "w");
    for (const chunk of typeof text === "string" ? [text] : text) writeSync(fd, chunk);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (error) {
    cleanUp(() => fd !== undefined && closeSync(fd));
    cleanUp(() => rmSync(temporary, { force: true }));
    throw new UserError(`can't write ${path}: ${describeFsError(error)}`);
  }
}

/** Runs a clean-up step whose own failure (e.g. ENOTDIR on rm) would hide the error worth reporting. */
function cleanUp(step: () => unknown): void {
  try {
    step();
  } catch {
    // the original error is reported instead
  }
}

export function describeFsError(error: unknown): string {
  const code = (error as { code?: string }).code;
  switch (code) {
    case "ENOENT": return "no such file or directory";
    case "EACCES": case "EPERM": return "permission denied";
    case "EISDIR": return "is a directory";
    case "ENOTDIR": return "not a directory";
    case "ENOSPC": return "no space left on device";
  }
  return error instanceof Error ? error.message.split("\n")[0] : String(error);
}

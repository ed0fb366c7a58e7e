import { cwd } from "node:process";

/** Python's `os.path.relpath(path, start)` on POSIX. */
export function relpath(path: string, start: string): string {
  const pathParts = absoluteParts(path);
  const startParts = absoluteParts(start);
  let common = 0;
  while (common < pathParts.length && common < startParts.length && pathParts[common] === startParts[common]) {
    common++;
  }
  const parts = [...Array(startParts.length - common).fill(".."), ...pathParts.slice(common)];
  return parts.length ? parts.join("/") : ".";
}

/** The components of `os.path.abspath(path)`, without empty ones. */
function absoluteParts(path: string): string[] {
  const absolute = path.startsWith("/") ? path : `${cwd()}/${path}`;
  const parts: string[] = [];
  for (const part of absolute.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts;
}

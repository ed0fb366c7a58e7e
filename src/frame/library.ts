// Which code is the user's own and which belongs to a library or the runtime, and the name a
// report gives each library.

const RUNTIME_SCHEMES: ReadonlyArray<[prefix: string, label: string]> = [
  ["node:", "node"],
  ["ext:", "deno"],
  ["bun:", "bun"],
  ["deno:", "deno"],
  ["internal:", "bun"],
];

// Also at the start: importers and shortened paths may give `node_modules/pkg/...` relative.
const NODE_MODULES = /(?:^|[\\/])node_modules[\\/]/;

/** True for runtime built-ins and installed packages. */
export function isLibraryPath(filePath: string): boolean {
  return NODE_MODULES.test(filePath) || RUNTIME_SCHEMES.some(([prefix]) => filePath.startsWith(prefix));
}

/**
 * The library a shortened file path belongs to: the package name under `node_modules`
 * (`@scope/pkg`), the runtime for its built-in modules, else the first path component as
 * pyinstrument names Python packages.
 */
export function libraryName(filePathShort: string): string {
  for (const [prefix, label] of RUNTIME_SCHEMES) {
    if (filePathShort.startsWith(prefix)) return label;
  }
  const match = /(?:^|[\\/])node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(lastNodeModules(filePathShort));
  if (match) return match[1].replace("\\", "/");
  return filePathShort.split(/[\\/.]/, 1)[0];
}

function lastNodeModules(path: string): string {
  const index = Math.max(path.lastIndexOf("/node_modules/"), path.lastIndexOf("\\node_modules\\"));
  return index > 0 ? path.slice(index) : path;
}

/** The file of a frame info, or "" for synthetic frames. */
export function frameInfoFile(frameInfo: string): string {
  const start = frameInfo.indexOf("\x00");
  if (start === -1) return "";
  const end = frameInfo.indexOf("\x00", start + 1);
  return frameInfo.slice(start + 1, end === -1 ? undefined : end);
}

/** True for frames of runtimes, libraries, native code and synthetic frames: not the user's code. */
export function isLibraryFrameInfo(frameInfo: string): boolean {
  const file = frameInfoFile(frameInfo);
  return file === "" || file.startsWith("<") || isLibraryPath(file);
}

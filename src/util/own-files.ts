import { dirname, join, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where this package's own code lives (its sources and its bundle), so that profiles can leave
 * out the profiler itself, as pyinstrument leaves out its own frames.
 */
function ownPrefixes(): string[] {
  const url = import.meta.url;
  if (!url.startsWith("file:")) return [new URL("../", url).href];
  const here = fileURLToPath(url);
  const distMarker = `${sep}dist${sep}`;
  const root = here.includes(distMarker) ? here.slice(0, here.lastIndexOf(distMarker)) : resolve(dirname(here), "..", "..");
  return [join(root, "src") + sep, join(root, "dist") + sep];
}

const OWN_PREFIXES = ownPrefixes();

export function isOwnFile(filePath: string): boolean {
  return OWN_PREFIXES.some((prefix) => filePath.startsWith(prefix));
}

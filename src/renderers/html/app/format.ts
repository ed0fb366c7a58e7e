// How times, names and colours look, the same in every view.
import type { Frame } from "../../../frame/frame.ts";
import { libraryName } from "../../../frame/library.ts";

/** pyinstrument's colours for a frame's share of the total: red for the hot path, down to green. */
export function colorForProportion(proportion: number): string {
  if (proportion > 0.6) return "#FF4159";
  if (proportion > 0.3) return "#F5A623";
  if (proportion > 0.15) return "#D8CB2A";
  if (proportion > 0.05) return "#7ED321";
  return "#58984f";
}

export function formatSeconds(seconds: number, precision: number): string {
  return seconds.toFixed(precision);
}

export function formatPercent(proportion: number): string {
  return `${(proportion * 100).toFixed(1)}%`;
}

/** A time as the chosen format shows it. */
export function formatTime(seconds: number, total: number, format: "seconds" | "percent", precision: number): string {
  return format === "percent" ? formatPercent(total > 0 ? seconds / total : 0) : formatSeconds(seconds, precision);
}

/** `Class.function` where a class was recorded, else the function. */
export function frameName(frame: Frame): string {
  const className = frame.className;
  return className ? `${className}.${frame.function}` : frame.function;
}

/** `path:line`, the path alone without a line, empty for synthetic frames. */
export function codePosition(frame: Frame): string {
  if (frame.isSynthetic) return "";
  return frame.codePositionShort() ?? "";
}

/** The library (package or runtime) a frame belongs to, for colours and group summaries. */
export function frameLibrary(frame: Frame): string {
  if (frame.isSynthetic) return frame.identifier;
  const path = frame.filePathShort;
  return path ? libraryName(path) : "";
}

// The timeline palette of pyinstrument's page; libraries get colours by bisecting it in order of
// their time, so the heaviest libraries get the most distinct hues.
const GRADIENT = ["#3475BA", "#318DBC", "#47A298", "#8AAE5D", "#C1A731", "#C07210", "#B84210", "#B53134", "#9A3586", "#4958B5", "#3475BA"]
  .map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));

export function colorForLibraryIndex(index: number): string {
  const denominator = Math.pow(2, Math.ceil(Math.log2(index + 1)));
  const location = index === 0 ? 0 : (2 * index - denominator + 1) / denominator;
  const scaled = location * (GRADIENT.length - 1);
  const low = Math.min(GRADIENT.length - 2, Math.floor(scaled));
  const t = scaled - low;
  const rgb = GRADIENT[low].map((c, i) => Math.round(c + (GRADIENT[low + 1][i] - c) * t));
  return `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
}

/** Colour per library, assigned by total time, largest first. */
export class LibraryPalette {
  private readonly colors = new Map<string, string>();

  constructor(timeByLibrary: ReadonlyMap<string, number>) {
    [...timeByLibrary.entries()]
      .sort((a, b) => b[1] - a[1])
      .forEach(([library], index) => this.colors.set(library, colorForLibraryIndex(index)));
  }

  color(library: string): string {
    let color = this.colors.get(library);
    if (color === undefined) {
      color = colorForLibraryIndex(this.colors.size);
      this.colors.set(library, color);
    }
    return color;
  }
}

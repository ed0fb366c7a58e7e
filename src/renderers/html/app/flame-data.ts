// The flame graph's boxes: the processed, aggregated call tree laid out with each frame's
// callees side by side under it, heaviest first (the tree's order). `[self]` time is the gap
// a frame leaves beyond its callees.
import type { Frame } from "../../../frame/frame.ts";
import { SELF_TIME_FRAME_IDENTIFIER } from "../../../session/frame-info.ts";
import type { Boxes } from "./boxes.ts";
import { codePosition, frameLibrary, frameName, LibraryPalette } from "./format.ts";
import { frameMatches } from "./search.ts";

export function flameGraphBoxes(root: Frame): Boxes {
  const frames: Frame[] = [];
  const starts: number[] = [];
  const depths: number[] = [];
  const parents: number[] = [];
  const pending: Array<{ frame: Frame; start: number; depth: number; parent: number }> = [{ frame: root, start: 0, depth: 0, parent: -1 }];
  while (pending.length) {
    const { frame, start, depth, parent } = pending.pop()!;
    const index = frames.length;
    frames.push(frame);
    starts.push(start);
    depths.push(depth);
    parents.push(parent);
    const children = frame.children.filter((child) => child.identifier !== SELF_TIME_FRAME_IDENTIFIER);
    let cursor = start;
    const placed = children.map((child) => {
      const at = cursor;
      cursor += child.time;
      return { frame: child, start: at, depth: depth + 1, parent: index };
    });
    for (let i = placed.length - 1; i >= 0; i--) pending.push(placed[i]);
  }
  const count = frames.length;
  const end = new Int32Array(count);
  for (let i = 0; i < count; i++) end[i] = i + 1;
  for (let i = count - 1; i > 0; i--) if (end[i] > end[parents[i]]) end[parents[i]] = end[i];

  const timeByLibrary = new Map<string, number>();
  const libraries = frames.map((frame) => frameLibrary(frame));
  frames.forEach((frame, i) => timeByLibrary.set(libraries[i], (timeByLibrary.get(libraries[i]) ?? 0) + frame.totalSelfTime));
  const palette = new LibraryPalette(timeByLibrary);
  const names = frames.map((frame) => {
    const name = frameName(frame);
    return name === "<module>" ? frame.filePathShort ?? name : name;
  });
  // Per box, for the current search: 0 not yet known, 1 no, 2 yes (drawing asks on every frame).
  const matched = new Uint8Array(count);
  let matchQuery = "";
  return {
    first: 0,
    start: Float64Array.from(starts),
    duration: Float64Array.from(frames, (frame) => frame.time),
    depth: Int32Array.from(depths),
    end,
    hidden: new Uint8Array(count),
    maxDepth: depths.reduce((max, d) => Math.max(max, d), 0),
    totalTime: root.time,
    label: (box) => names[box],
    color: (box) => palette.color(libraries[box]),
    isApplicationCode: (box) => frames[box].isApplicationCode,
    matches: (box, query) => {
      if (query !== matchQuery) {
        matchQuery = query;
        matched.fill(0);
      }
      if (!matched[box]) matched[box] = frameMatches(frames[box], query) ? 2 : 1;
      return matched[box] === 2;
    },
    info: (box) => ({
      name: frameName(frames[box]),
      location: codePosition(frames[box]),
      library: libraries[box],
      time: frames[box].time,
      selfTime: frames[box].totalSelfTime,
    }),
  };
}

// What the search box matches: a frame whose name (with its class) or file path contains the
// text, ignoring case. Every view asks the same question, of Frame objects (call tree, flame
// graph) or of identifier ids (timeline, bottom-up).
import type { Frame } from "../../../frame/frame.ts";
import { codePosition, frameName } from "./format.ts";
import type { IdentifierInfos } from "./identifier-info.ts";

export function frameMatches(frame: Frame, query: string): boolean {
  if (!query) return false;
  if (frame.isSynthetic) return frame.identifier.toLowerCase().includes(query);
  if (frameName(frame).toLowerCase().includes(query)) return true;
  return codePosition(frame).toLowerCase().includes(query) || (frame.filePath ?? "").toLowerCase().includes(query);
}

const matchCache = new WeakMap<IdentifierInfos, { query: string; results: Map<number, boolean> }>();

/** Search for one identifier, remembered per query (drawing asks again for every box of it). */
export function matchesIdentifier(infos: IdentifierInfos, id: number, query: string): boolean {
  let cache = matchCache.get(infos);
  if (!cache || cache.query !== query) {
    cache = { query, results: new Map() };
    matchCache.set(infos, cache);
  }
  let result = cache.results.get(id);
  if (result === undefined) {
    const info = infos.get(id);
    result = info.name.toLowerCase().includes(query) || info.location.toLowerCase().includes(query) || info.fullPath.toLowerCase().includes(query);
    cache.results.set(id, result);
  }
  return result;
}

/** Frames of a tree that match, in depth-first order, and the frames with a match below them. */
export function treeMatches(root: Frame, query: string): { matches: Frame[]; ancestorsOfMatches: Set<Frame> } {
  const matches: Frame[] = [];
  const ancestorsOfMatches = new Set<Frame>();
  if (!query) return { matches, ancestorsOfMatches };
  const pending: Frame[] = [root];
  while (pending.length) {
    const frame = pending.pop()!;
    if (frameMatches(frame, query)) {
      matches.push(frame);
      for (let up = frame.parent; up && !ancestorsOfMatches.has(up); up = up.parent) ancestorsOfMatches.add(up);
    }
    const children = frame.children;
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
  }
  return { matches, ancestorsOfMatches };
}

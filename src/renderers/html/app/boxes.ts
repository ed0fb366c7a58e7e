// The data a flame chart draws: boxes in depth-first pre-order, each with a start, a duration
// and a depth, where a box's descendants are the boxes up to `end[box]`. Both the timeline
// (chronological tree) and the flame graph (aggregated tree) are this shape, so one canvas view
// draws both, skipping whole subtrees that are off screen or too narrow to see.

export interface BoxInfo {
  name: string;
  location: string;
  library: string;
  time: number;
  selfTime: number;
}

export interface Boxes {
  /** The box drawn at depth 0; it and its descendants `first..end[first]` are drawn. */
  readonly first: number;
  readonly start: Float64Array;
  readonly duration: Float64Array;
  readonly depth: Int32Array;
  readonly end: Int32Array;
  /** 1 for boxes that are not drawn (`[self]` time), which never have descendants. */
  readonly hidden: Uint8Array;
  readonly maxDepth: number;
  /** Seconds of the first box: the x extent of the chart. */
  readonly totalTime: number;
  label(box: number): string;
  color(box: number): string;
  isApplicationCode(box: number): boolean;
  /** Whether the box matches the search text `query` (lower case, not empty). */
  matches(box: number, query: string): boolean;
  info(box: number): BoxInfo;
}

/** Subtree ends for parent links where parents precede children and ids are in pre-order. */
export function subtreeEnds(parent: Int32Array, count: number): Int32Array {
  const end = new Int32Array(count);
  for (let i = 0; i < count; i++) end[i] = i + 1;
  for (let i = count - 1; i > 0; i--) {
    const p = parent[i];
    if (p >= 0 && end[i] > end[p]) end[p] = end[i];
  }
  return end;
}

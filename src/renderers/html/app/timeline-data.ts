// The timeline's boxes: the chronological call tree from the tree core, kept as typed arrays
// (a long profile has millions of calls; no Frame objects are made for them). The root is chosen
// as `Session.rootFrame` chooses it: the single top-level frame, then the stem down to where the
// profiler was started trimmed.
import * as core from "../../../core/index.ts";
import { treeInputOf } from "../../../frame/build-tree.ts";
import { frameInfoIdentifier, SYNTHETIC_FRAME_IDENTIFIERS } from "../../../session/frame-info.ts";
import type { SampleData } from "../../../session/samples.ts";
import type { Session } from "../../../session/session.ts";
import { type Boxes, subtreeEnds } from "./boxes.ts";
import { LibraryPalette } from "./format.ts";
import type { IdentifierInfos } from "./identifier-info.ts";
import { matchesIdentifier } from "./search.ts";

export function timelineBoxes(session: Session, samples: SampleData, infos: IdentifierInfos): Boxes | null {
  const { frames, sampleStack } = samples;
  if (sampleStack.length === 0) return null;
  const tree = core.buildChronologicalTree(treeInputOf(samples));
  const n = tree.nodeCount;
  const { parent, identifier, time } = tree;
  const identifiers = frames.identifiers;
  const synthetic = identifiers.map((text) => SYNTHETIC_FRAME_IDENTIFIERS.has(text));

  const childCount = new Int32Array(n);
  const lastChild = new Int32Array(n).fill(-1);
  const realChildTime = new Float64Array(n);
  const start = new Float64Array(n);
  const cursor = new Float64Array(n);
  for (let i = 1; i < n; i++) {
    const p = parent[i];
    childCount[p]++;
    lastChild[p] = i;
    if (!synthetic[identifier[i]]) realChildTime[p] += time[i];
    start[i] = cursor[p];
    cursor[p] += time[i];
    cursor[i] = start[i];
  }

  let root = childCount[0] === 1 ? lastChild[0] : 0;
  const stem = session.startCallStack.map(frameInfoIdentifier);
  if (root !== 0 && stem.shift() === identifiers[identifier[root]]) {
    while (time[root] - realChildTime[root] === 0 && childCount[root] === 1) {
      const child = lastChild[root];
      if (!stem.length || identifiers[identifier[child]] !== stem.shift()) break;
      root = child;
    }
  }

  const depth = new Int32Array(n);
  const hidden = new Uint8Array(n);
  const end = subtreeEnds(parent, n);
  let maxDepth = 0;
  const timeByLibrary = new Map<string, number>();
  for (let i = root + 1; i < end[root]; i++) {
    depth[i] = depth[parent[i]] + 1;
    if (depth[i] > maxDepth) maxDepth = depth[i];
    const id = identifier[i];
    if (id === frames.selfIdentifier) {
      hidden[i] = 1;
      continue;
    }
    const library = infos.get(id).library;
    // Self time only, so that a library's share is not counted again for every caller.
    timeByLibrary.set(library, (timeByLibrary.get(library) ?? 0) + time[i] - realChildTime[i]);
  }
  if (root !== 0) timeByLibrary.set(infos.get(identifier[root]).library, time[root]);
  const palette = new LibraryPalette(timeByLibrary);
  const rootStart = start[root];
  if (rootStart !== 0) for (let i = root; i < end[root]; i++) start[i] -= rootStart;

  return {
    first: root,
    start,
    duration: time,
    depth,
    end,
    hidden,
    maxDepth,
    totalTime: time[root],
    label: (box) => (box === 0 ? "[root]" : infos.get(identifier[box]).label),
    color: (box) => (box === 0 ? "#666" : palette.color(infos.get(identifier[box]).library)),
    isApplicationCode: (box) => box !== 0 && infos.get(identifier[box]).isApplicationCode,
    matches: (box, query) => box !== 0 && matchesIdentifier(infos, identifier[box], query),
    info: (box) => {
      const info = box === 0 ? { name: "[root]", location: "", library: "" } : infos.get(identifier[box]);
      return { name: info.name, location: info.location, library: info.library, time: time[box], selfTime: time[box] - realChildTime[box] };
    },
  };
}

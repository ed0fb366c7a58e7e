import * as core from "../core/index.ts";
import { DUMMY_ROOT_FRAME_IDENTIFIER, frameInfoAttributes, frameInfoIdentifier } from "../session/frame-info.ts";
import type { SampleData } from "../session/samples.ts";
import type { Session } from "../session/session.ts";
import { Frame } from "./frame.ts";

/**
 * `chronological`: consecutive samples share frames, repeated calls stay apart (a timeline).
 * `aggregated`: repeated calls along the same path are added up, children sorted by time.
 * Both have one `[self]` frame per run of samples ending in a frame.
 */
export type TreeShape = "chronological" | "aggregated";

/** The tree core's view of a session's samples. */
export function treeInputOf(samples: SampleData): core.TreeInput {
  const { frames, stacks, sampleStack, sampleWeight } = samples;
  return {
    stackParent: stacks.parent.view(),
    stackFrame: stacks.frame.view(),
    stackCount: stacks.count,
    frameIdentifier: frames.identifierIdsView(),
    frameFlags: frames.flagsView(),
    selfIdentifier: frames.selfIdentifier,
    sampleStack,
    sampleWeight,
    sampleCount: sampleStack.length,
  };
}

/**
 * Nodes that the processors' `removeIrrelevantNodes` will delete anyway, left out of the tree
 * so that no Frame is made for them: a long profile has millions of nodes, nearly all tiny, and
 * making those Frames costs far more than the core's work.
 */
export interface TreePruning {
  /** Nodes of less time lose their subtrees. */
  minTime: number;
  /**
   * Without this, a node of less time is left out with its subtree, its time added to its
   * parent's `absorbedTime`, as `removeIrrelevantNodes` does (for trees no processor reshapes
   * before that). With it, for a timeline that processors still reshape first, the node stays, as
   * a leaf with its own time, so that it keeps `[self]` frames around it apart as before and is
   * deleted by `removeIrrelevantNodes` with the same arithmetic; nodes whose identifier
   * `isReshaped` (replaced by their children, which may then merge) keep their subtrees.
   */
  keepNodes?: { isReshaped: (identifierId: number) => boolean };
}

/**
 * The time under which `removeIrrelevantNodes` (with this threshold, a fraction of the total)
 * deletes a node, taken a hair low: float rounding of the root's time must never leave out a
 * node that the processor would keep at the edge.
 */
export function thresholdTime(samples: SampleData, threshold: number): number {
  let total = 0;
  const weights = samples.sampleWeight;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  return threshold * total * (1 - 1e-9);
}

/** Builds the frame tree of a session with the tree core, as pyinstrument's `root_frame()`. */
export function buildFrameTree(session: Session, shape: TreeShape, trimStem: boolean, pruning?: TreePruning): Frame | null {
  const { frames, sampleStack } = session.samples;
  if (sampleStack.length === 0) return null;
  const input = treeInputOf(session.samples);
  const tree = shape === "aggregated" ? core.buildAggregatedTree(input) : core.buildChronologicalTree(input);

  const nodes: Frame[] = new Array(tree.nodeCount);
  let root = new Frame(DUMMY_ROOT_FRAME_IDENTIFIER, tree.time[0], session);
  nodes[0] = root;
  const identifiers = frames.identifiers;
  const minTime = pruning?.minTime ?? 0;
  const keepNodes = pruning?.keepNodes;
  // With `keepNodes`: nodes kept as leaves, whose descendants are left out.
  const leafOnly = keepNodes ? new Uint8Array(tree.nodeCount) : null;
  for (let i = 1; i < tree.nodeCount; i++) {
    const parentIndex = tree.parent[i];
    const parent = nodes[parentIndex];
    if (parent === undefined || (leafOnly !== null && leafOnly[parentIndex] === 1)) continue;
    const identifier = tree.identifier[i];
    if (tree.time[i] < minTime) {
      if (!keepNodes) {
        parent.absorbedTime += tree.time[i];
        continue;
      }
      if (!keepNodes.isReshaped(identifier)) leafOnly![i] = 1;
    }
    const frame = new Frame(identifiers[identifier], tree.time[i]);
    parent.appendBuiltChild(frame);
    nodes[i] = frame;
  }
  for (let i = 0; i < tree.attrCount; i++) {
    const node = nodes[tree.attrNode[i]];
    if (node === undefined) continue;
    const attributes = node.attributes;
    for (const attribute of frameInfoAttributes(frames.frameInfos[tree.attrFrame[i]])) {
      attributes.set(attribute, (attributes.get(attribute) ?? 0) + tree.attrTime[i]);
    }
  }
  if (shape === "aggregated") {
    for (const frame of nodes) frame?.sortChildrenByTime();
  }

  if (root.children.length === 1) {
    root = root.children[0];
    root.removeFromParent();
  }
  return trimStem ? trimStemFrames(root, session.startCallStack) : root;
}

/** Removes the frames above the call that started the profiler, down to the first branch. */
function trimStemFrames(root: Frame, startCallStack: readonly string[]): Frame {
  const startStack = startCallStack.map(frameInfoIdentifier);
  if (startStack.shift() !== root.identifier) return root;
  let frame = root;
  while (frame.totalSelfTime === 0 && frame.children.length === 1) {
    if (startStack.length === 0 || frame.children[0].identifier !== startStack.shift()) break;
    frame = frame.children[0];
  }
  frame.removeFromParent();
  return frame;
}

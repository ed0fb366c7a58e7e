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
 * Builds the frame tree of a session with the tree core, as pyinstrument's `root_frame()`.
 *
 * `minTime` > 0 leaves out nodes of less time (and so their descendants), adding their time to
 * their parent's `absorbedTime`, as `removeIrrelevantNodes` would delete them. A long profile's
 * aggregated tree has hundreds of thousands of nodes, nearly all tiny: making a Frame for each
 * costs far more than the core's work, so views that filter anyway (the HTML report) skip them.
 */
export function buildFrameTree(session: Session, shape: TreeShape, trimStem: boolean, minTime = 0): Frame | null {
  const { frames, sampleStack } = session.samples;
  if (sampleStack.length === 0) return null;
  const input = treeInputOf(session.samples);
  const tree = shape === "aggregated" ? core.buildAggregatedTree(input) : core.buildChronologicalTree(input);

  const nodes: Frame[] = new Array(tree.nodeCount);
  let root = new Frame(DUMMY_ROOT_FRAME_IDENTIFIER, tree.time[0], session);
  nodes[0] = root;
  const identifiers = frames.identifiers;
  for (let i = 1; i < tree.nodeCount; i++) {
    const parent = nodes[tree.parent[i]];
    if (parent === undefined) continue;
    if (tree.time[i] < minTime) {
      parent.absorbedTime += tree.time[i];
      continue;
    }
    const frame = new Frame(identifiers[tree.identifier[i]], tree.time[i]);
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

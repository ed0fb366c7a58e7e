import { SELF_TIME_FRAME_IDENTIFIER } from "../session/frame-info.ts";
import { Frame, FrameGroup } from "./frame.ts";

export type ReplaceWith = "children" | "self_time" | "nothing";

/**
 * Deletes a frame from the tree, replacing it with its children, with a `[self]` frame of the same
 * time, or with nothing (its time is absorbed by the parent).
 */
export function deleteFrameFromTree(frame: Frame, replaceWith: ReplaceWith): void {
  const parent = frame.parent;
  if (!parent) throw new Error("Cannot delete the root frame");
  if (replaceWith === "children") {
    parent.addChildren(frame.children, frame);
  } else if (replaceWith === "self_time") {
    parent.addChild(new Frame(SELF_TIME_FRAME_IDENTIFIER, frame.time), frame);
  } else {
    parent.absorbedTime += frame.time;
  }
  parent.absorbedTime += frame.absorbedTime;
  frame.removeFromParent();
  removeFrameFromGroups(frame, true);
}

/** Merges `frame` into its sibling `into`: times, attributes and children. */
export function combineFrames(frame: Frame, into: Frame): void {
  mergeFrameInto(frame, into);
  frame.removeFromParent();
}

/**
 * `combineFrames` without detaching `frame` from the parent's list, for callers that rebuild the
 * list themselves (see `Frame.retainChildren`).
 */
export function mergeFrameInto(frame: Frame, into: Frame): void {
  if (frame.parent !== into.parent) throw new Error("combineFrames needs two siblings");
  into.absorbedTime += frame.absorbedTime;
  into.time += frame.time;
  for (const [attribute, time] of frame.attributes) {
    into.attributes.set(attribute, (into.attributes.get(attribute) ?? 0) + time);
  }
  into.takeChildrenOf(frame);
  removeFrameFromGroups(frame, false);
}

/** Keeps groups from holding frames that left the tree; a group left with one frame dissolves. */
export function removeFrameFromGroups(frame: Frame, recursive: boolean): void {
  if (!FrameGroup.anyFrameGrouped) return;
  const pending = [frame];
  while (pending.length) {
    const current = pending.pop()!;
    if (recursive) for (const child of current.children) pending.push(child);
    const group = current.group;
    if (group) {
      group.removeFrame(current);
      if (group.frames.length === 1) group.removeFrame(group.frames[0]);
    }
  }
}

// Processors reshape a frame tree before it is rendered. Each is a function of one signature,
// `(frame, options) => frame`, that may mutate the tree in place or return a new root; all of
// them return null for null. They mirror pyinstrument's processors one for one.

import { SELF_TIME_FRAME_IDENTIFIER } from "../session/frame-info.ts";
import { deleteFrameFromTree, mergeFrameInto, removeFrameFromGroups } from "../frame/frame-ops.ts";
import { Frame, FrameGroup } from "../frame/frame.ts";
import { pythonRegexMatcher } from "../util/pyregex.ts";

export interface ProcessorOptions {
  /** Frames below this fraction of the root's time are removed. Default 0.01. */
  filter_threshold?: number;
  /** Regex (Python syntax, matched at the start) of file paths to collapse. */
  hide_regex?: string | null;
  /** Regex of file paths never to collapse; wins over `hide_regex`. */
  show_regex?: string | null;
  [option: string]: unknown;
}

export type Processor = (frame: Frame | null, options: ProcessorOptions) => Frame | null;

/** Frames of the module loaders (Python's importlib, Node's and Deno's), replaced by their children. */
export const removeImportlib: Processor = (frame) => {
  if (!frame) return null;
  replaceByChildren(frame, (child) => isModuleLoaderPath(child.filePath));
  return frame;
};

export function isModuleLoaderPath(filePath: string | null): boolean {
  if (!filePath) return false;
  return filePath.includes("<frozen importlib._bootstrap") ||
    filePath.startsWith("node:internal/modules/") ||
    filePath.startsWith("ext:deno_node/") && filePath.includes("/module");
}

/** Frames marked hidden from tracebacks (`__tracebackhide__`), replaced by their children. */
export const removeTracebackhide: Processor = (frame) => {
  if (!frame) return null;
  replaceByChildren(frame, (child) => child.hasTracebackhide);
  return frame;
};

/**
 * `deleteFrameFromTree(frame, "children")` for every descendant that `shouldRemove` picks, deepest
 * first as pyinstrument's recursion goes, rebuilding each parent's list once rather than splicing
 * it per removed frame (wide frames made that quadratic).
 */
function replaceByChildren(root: Frame, shouldRemove: (frame: Frame) => boolean): void {
  forEachPostOrder(root, (parent) => {
    if (!parent.children.some(shouldRemove)) return;
    const children: Frame[] = [];
    const removed: Frame[] = [];
    for (const child of parent.children) {
      if (shouldRemove(child)) {
        for (const grandchild of child.releaseChildren()) children.push(grandchild);
        parent.absorbedTime += child.absorbedTime;
        removed.push(child);
      } else {
        children.push(child);
      }
    }
    parent.replaceChildren(children);
    for (const child of removed) removeFrameFromGroups(child, true);
  }, true);
}

/** Adds up repeated calls along the same path and sorts children by time. */
export const aggregateRepeatedCalls: Processor = (frame) => {
  if (!frame) return null;
  const pending: Frame[] = [frame];
  while (pending.length) {
    const current = pending.pop()!;
    const byIdentifier = new Map<string, Frame>();
    const kept: Frame[] = [];
    for (const child of [...current.children]) {
      const aggregate = byIdentifier.get(child.identifier);
      if (aggregate) {
        mergeFrameInto(child, aggregate);
      } else {
        byIdentifier.set(child.identifier, child);
        kept.push(child);
      }
    }
    if (kept.length !== current.children.length) current.retainChildren(kept);
    current.sortChildrenByTime();
    for (const child of current.children) pending.push(child);
  }
  return frame;
};

/** Collapses library frames (or those matching `hide_regex`) into groups. */
export const groupLibraryFrames: Processor = (frame, options) => {
  if (!frame) return null;
  const hide = options.hide_regex != null ? pythonRegexMatcher(options.hide_regex) : null;
  const show = options.show_regex != null ? pythonRegexMatcher(options.show_regex) : null;
  const shouldBeHidden = (f: Frame): boolean => {
    const filePath = f.filePath ?? "";
    if (show && show(filePath)) return false;
    if (hide && hide(filePath)) return true;
    return !f.isApplicationCode;
  };
  const addToGroup = (root: Frame, group: FrameGroup): void => {
    const pending = [root];
    while (pending.length) {
      const current = pending.pop()!;
      group.addFrame(current);
      const children = current.children;
      for (let i = children.length - 1; i >= 0; i--) {
        if (shouldBeHidden(children[i])) pending.push(children[i]);
      }
    }
  };
  forEachPreOrder(frame, (current) => {
    for (const child of current.children) {
      if (!child.group && shouldBeHidden(child) && child.children.some(shouldBeHidden)) {
        addToGroup(child, new FrameGroup(child));
      }
    }
  });
  return frame;
};

/** Merges adjacent `[self]` siblings. */
export const mergeConsecutiveSelfTime: Processor = (frame) => {
  if (!frame) return null;
  forEachPreOrder(frame, (current) => {
    let previousSelf: Frame | null = null;
    const kept: Frame[] = [];
    for (const child of current.children) {
      if (child.identifier === SELF_TIME_FRAME_IDENTIFIER) {
        if (previousSelf) {
          previousSelf.time += child.time;
          continue;
        }
        previousSelf = child;
      } else {
        previousSelf = null;
      }
      kept.push(child);
    }
    if (kept.length !== current.children.length) current.retainChildren(kept);
  });
  return frame;
};

/** Absorbs a `[self]` frame into its parent when it is the only child. */
export const removeUnnecessarySelfTimeNodes: Processor = (frame) => {
  if (!frame) return null;
  forEachPreOrder(frame, (current) => {
    const children = current.children;
    if (children.length === 1 && children[0].identifier === SELF_TIME_FRAME_IDENTIFIER) {
      deleteFrameFromTree(children[0], "nothing");
    }
  });
  return frame;
};

/** Removes frames below `filter_threshold` (default 1%) of the root's time. */
export const removeIrrelevantNodes: Processor = (frame, options) => {
  if (!frame) return null;
  let totalTime = frame.time;
  if (totalTime <= 0) totalTime = 1e-44;
  const threshold = typeof options.filter_threshold === "number" ? options.filter_threshold : 0.01;
  forEachPreOrder(frame, (current) => {
    const kept: Frame[] = [];
    for (const child of current.children) {
      if (child.time / totalTime < threshold) {
        // deleteFrameFromTree(child, "nothing"), with the parent's list rebuilt once below.
        current.absorbedTime += child.time;
        current.absorbedTime += child.absorbedTime;
        removeFrameFromGroups(child, true);
      } else {
        kept.push(child);
      }
    }
    if (kept.length !== current.children.length) current.retainChildren(kept);
  });
  return frame;
};

/**
 * Removes the frames of this tool's own command line (and of pyinstrument's, for Python
 * sessions) that sit above the profiled program.
 */
export const removeFirstPyinstrumentFrames: Processor = (frame) => {
  if (!frame) return null;
  const isInitialFrame = (f: Frame) =>
    f.filePath !== null && /^.*pyinstrument[/\\]__main__.py/s.test(f.filePath) && f.children.length > 0;
  const isExecFrame = (f: Frame) =>
    f.proportionOfParent > 0.8 && f.filePath !== null && f.filePath.includes("<string>") && f.children.length > 0;
  const isRunpyFrame = (f: Frame) =>
    f.proportionOfParent > 0.8 && f.filePath !== null &&
    (/^.*runpy.py/s.test(f.filePath) || f.filePath.includes("<frozen runpy>")) && f.children.length > 0;

  if (!isInitialFrame(frame)) return frame;
  let result = frame.children[0];
  if (!isExecFrame(result)) return frame;
  result = result.children[0];
  while (isRunpyFrame(result)) result = result.children[0];
  result.removeFromParent();
  return result;
};

/**
 * Visits every descendant of `root` (not the root) children-first, the way pyinstrument's
 * recursive processors do: each frame's children are handled before the frame itself.
 */
function forEachPostOrder(root: Frame, visit: (frame: Frame) => void, includeRoot = false): void {
  const stack: Array<{ frame: Frame; children: Frame[]; next: number }> = [
    { frame: root, children: [...root.children], next: 0 },
  ];
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next < top.children.length) {
      const child = top.children[top.next++];
      stack.push({ frame: child, children: [...child.children], next: 0 });
      continue;
    }
    stack.pop();
    if (stack.length || includeRoot) visit(top.frame);
  }
}

/** Visits `root` and then its descendants, each frame before its (then current) children. */
function forEachPreOrder(root: Frame, visit: (frame: Frame) => void): void {
  const pending: Frame[] = [root];
  while (pending.length) {
    const current = pending.pop()!;
    visit(current);
    const children = current.children;
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
  }
}

/** The pipeline of pyinstrument's call-tree reports (text and JSON), in its order. */
export function callTreeProcessors(): Processor[] {
  return [
    removeImportlib,
    removeTracebackhide,
    mergeConsecutiveSelfTime,
    aggregateRepeatedCalls,
    removeIrrelevantNodes,
    removeUnnecessarySelfTimeNodes,
    removeFirstPyinstrumentFrames,
    groupLibraryFrames,
  ];
}

/** The pipeline of timeline formats (speedscope): no aggregation and no grouping. */
export function timelineProcessors(): Processor[] {
  return callTreeProcessors().filter((p) => p !== aggregateRepeatedCalls && p !== groupLibraryFrames);
}

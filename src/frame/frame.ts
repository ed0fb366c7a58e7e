import {
  ATTRIBUTE_MARKER_CLASS_NAME,
  ATTRIBUTE_MARKER_TRACEBACKHIDE,
  AWAIT_FRAME_IDENTIFIER,
  frameInfoAttributes,
  frameInfoIdentifier,
  IDENTIFIER_SEP,
  SYNTHETIC_FRAME_IDENTIFIERS,
  SYNTHETIC_LEAF_IDENTIFIERS,
} from "../session/frame-info.ts";
import { isLibraryPath } from "./library.ts";

/** What a frame needs from its session: path shortening and the library prefixes. */
export interface FrameContext {
  shortenPath(path: string): string;
  readonly sysPrefixes: readonly string[];
}

/** A node of the call tree: one function, its time, and the calls it made. */
export class Frame {
  readonly identifier: string;
  parent: Frame | null = null;
  group: FrameGroup | null = null;
  time = 0;
  /** Time of descendants that processors deleted and merged into this frame. */
  absorbedTime = 0;
  private context: FrameContext | null;
  // Made on first use: timelines of long profiles have a frame per run of samples, most never printed.
  private attributeTimes: Map<string, number> | null = null;
  private identifierParts: string[] | null = null;
  private readonly childList: Frame[] = [];

  constructor(identifierOrFrameInfo = "", time = 0, context: FrameContext | null = null) {
    this.identifier = frameInfoIdentifier(identifierOrFrameInfo);
    this.context = context;
    if (identifierOrFrameInfo === this.identifier) this.time += time;
    else this.recordTime(identifierOrFrameInfo, time);
  }

  /** Attribute string (marker + value) -> seconds it was observed. */
  get attributes(): Map<string, number> {
    return (this.attributeTimes ??= new Map());
  }

  /** Adds `time` to this frame and to each attribute the frame info carries. */
  recordTime(frameInfo: string, time: number): void {
    this.time += time;
    for (const attribute of frameInfoAttributes(frameInfo)) {
      this.attributes.set(attribute, (this.attributes.get(attribute) ?? 0) + time);
    }
  }

  get children(): readonly Frame[] {
    return this.childList;
  }

  private get parts(): string[] {
    return (this.identifierParts ??= this.identifier.split(IDENTIFIER_SEP));
  }

  get function(): string {
    return this.parts[0];
  }

  get filePath(): string | null {
    if (this.identifierParts) return this.identifierParts.length > 1 ? this.identifierParts[1] : null;
    // Without splitting: processors ask every frame of a timeline for its file.
    const first = this.identifier.indexOf(IDENTIFIER_SEP);
    if (first === -1) return null;
    const second = this.identifier.indexOf(IDENTIFIER_SEP, first + 1);
    return this.identifier.slice(first + 1, second === -1 ? undefined : second);
  }

  get lineNo(): number | null {
    return this.parts.length > 2 ? parseInt(this.parts[2], 10) : null;
  }

  get isSynthetic(): boolean {
    return SYNTHETIC_FRAME_IDENTIFIERS.has(this.identifier);
  }

  get isSyntheticLeaf(): boolean {
    return SYNTHETIC_LEAF_IDENTIFIERS.has(this.identifier);
  }

  get proportionOfParent(): number {
    if (!this.parent) return 1;
    return this.parent.time === 0 ? NaN : this.time / this.parent.time;
  }

  /** Time not spent in real children: includes `[self]`/`[await]` children and absorbed time. */
  get totalSelfTime(): number {
    let selfTime = this.time;
    for (const child of this.childList) {
      if (!child.isSynthetic) selfTime -= child.time;
    }
    return selfTime;
  }

  get filePathShort(): string | null {
    if (this.isSynthetic && this.parent) return this.parent.filePathShort;
    const filePath = this.filePath;
    if (!filePath) return null;
    return this.requireContext().shortenPath(filePath);
  }

  get isApplicationCode(): boolean {
    if (this.isSynthetic) return false;
    const filePath = this.filePath;
    if (!filePath) return false;
    if (this.requireContext().sysPrefixes.some((prefix) => filePath.startsWith(prefix))) return false;
    if (filePath.startsWith("<")) {
      if (filePath.startsWith("<ipython-input-")) return true;
      if (filePath === "<string>" || filePath === "<stdin>") {
        return this.parent ? this.parent.isApplicationCode : true;
      }
      return false;
    }
    return !isLibraryPath(filePath);
  }

  codePositionShort(): string | null {
    const short = this.filePathShort;
    const lineNo = this.lineNo;
    if (short && lineNo) return `${short}:${lineNo}`;
    return short;
  }

  get className(): string | null {
    return this.attributeValue(ATTRIBUTE_MARKER_CLASS_NAME);
  }

  get hasTracebackhide(): boolean {
    return this.attributeValue(ATTRIBUTE_MARKER_TRACEBACKHIDE) === "1";
  }

  /** The most observed value of an attribute, or null if it was never observed. */
  attributeValue(marker: string): string | null {
    let best: string | null = null;
    let bestTime = -Infinity;
    for (const [attribute, time] of this.attributeTimes ?? []) {
      if (attribute.startsWith(marker) && time > bestTime) {
        best = attribute;
        bestTime = time;
      }
    }
    return best === null ? null : best.slice(1);
  }

  awaitTime(): number {
    let total = 0;
    const pending: Frame[] = [this];
    while (pending.length) {
      const frame = pending.pop()!;
      if (frame.identifier === AWAIT_FRAME_IDENTIFIER) total += frame.time;
      for (const child of frame.childList) pending.push(child);
    }
    return total;
  }

  setContext(context: FrameContext | null): void {
    const pending: Frame[] = [this];
    while (pending.length) {
      const frame = pending.pop()!;
      frame.context = context;
      for (const child of frame.childList) pending.push(child);
    }
  }

  getContext(): FrameContext | null {
    return this.context;
  }

  addChild(frame: Frame, after: Frame | null = null): void {
    if (this.isSyntheticLeaf) throw new Error("Cannot add children to a leaf-only frame");
    frame.removeFromParent();
    this.adopt(frame);
    if (after === null) {
      this.childList.push(frame);
    } else {
      this.childList.splice(this.childList.indexOf(after) + 1, 0, frame);
    }
  }

  addChildren(frames: readonly Frame[], after: Frame | null = null): void {
    const list = [...frames];
    if (after === null) {
      for (const frame of list) this.addChild(frame);
      return;
    }
    if (this.isSyntheticLeaf) throw new Error("Cannot add children to a leaf-only frame");
    for (const frame of list) frame.removeFromParent();
    for (const frame of list) this.adopt(frame);
    // One splice for all: inserting one by one is quadratic on wide frames.
    this.childList.splice(this.childList.indexOf(after) + 1, 0, ...list);
  }

  /** Moves all of `other`'s children to the end of this frame's children, in order. */
  takeChildrenOf(other: Frame): void {
    if (this.isSyntheticLeaf && other.childList.length) throw new Error("Cannot add children to a leaf-only frame");
    for (const frame of other.childList) {
      this.adopt(frame);
      this.childList.push(frame);
    }
    other.childList.length = 0;
  }

  /**
   * Keeps only `kept` (some of the children, in their order) as children; the others are
   * detached. One pass, where removing children one at a time would be quadratic.
   */
  retainChildren(kept: readonly Frame[]): void {
    const keep = new Set(kept);
    for (const frame of this.childList) if (!keep.has(frame)) frame.parent = null;
    this.childList.length = 0;
    this.childList.push(...kept);
  }

  /**
   * Makes `frames` the children, in that order. Current children not among them are detached;
   * the others come from `releaseChildren()` of another frame.
   */
  replaceChildren(frames: readonly Frame[]): void {
    if (this.isSyntheticLeaf && frames.length) throw new Error("Cannot add children to a leaf-only frame");
    const keep = new Set(frames);
    for (const frame of this.childList) if (!keep.has(frame)) frame.parent = null;
    for (const frame of frames) this.adopt(frame);
    this.childList.length = 0;
    this.childList.push(...frames);
  }

  /** Empties the children list and returns it, for `replaceChildren` of another frame. */
  releaseChildren(): Frame[] {
    return this.childList.splice(0, this.childList.length);
  }

  private adopt(frame: Frame): void {
    frame.parent = this;
    if (frame.context !== this.context) frame.setContext(this.context);
  }

  removeFromParent(): void {
    if (!this.parent) return;
    const siblings = this.parent.childList;
    siblings.splice(siblings.indexOf(this), 1);
    this.parent = null;
  }

  /** Sorts children by time, longest first, keeping the order of equal times. */
  sortChildrenByTime(): void {
    this.childList.sort((a, b) => b.time - a.time);
  }

  /** Appends a child during tree construction, where nothing needs detaching or reordering. */
  appendBuiltChild(frame: Frame): void {
    frame.parent = this;
    frame.context = this.context;
    this.childList.push(frame);
  }

  /** Throws if a frame's time differs from its children's plus its absorbed time. */
  selfCheck(recursive = true): void {
    if (this.isSyntheticLeaf) {
      if (this.childList.length) throw new Error("synthetic leaf frame has children");
      return;
    }
    let calculated = this.absorbedTime;
    for (const child of this.childList) calculated += child.time;
    if (!isClose(calculated, this.time)) {
      throw new Error(`Frame time mismatch, should be ${calculated}, was ${this.time}`);
    }
    if (recursive) for (const child of this.childList) child.selfCheck(true);
  }

  private requireContext(): FrameContext {
    if (!this.context) throw new Error("Frame has no context");
    return this.context;
  }
}

function isClose(a: number, b: number): boolean {
  return Math.abs(a - b) <= Math.max(1e-9 * Math.max(Math.abs(a), Math.abs(b)), 0);
}

let groupCounter = 0;

/** A run of library frames that reports collapse into one line. */
export class FrameGroup {
  readonly id: string;
  readonly root: Frame;
  private readonly frameList: Frame[] = [];
  private exitFrameCache: Frame[] | null = null;

  constructor(root: Frame) {
    this.root = root;
    this.id = newGroupId();
    this.addFrame(root);
  }

  get frames(): readonly Frame[] {
    return this.frameList;
  }

  /**
   * Whether any frame of any tree is in a group: if not, walks that only undo grouping can be
   * skipped (timelines, which are never grouped, remove most of their frames).
   */
  static get anyFrameGrouped(): boolean {
    return groupedFrameCount > 0;
  }

  addFrame(frame: Frame): void {
    if (frame.group) frame.group.removeFrame(frame);
    this.frameList.push(frame);
    frame.group = this;
    groupedFrameCount++;
  }

  removeFrame(frame: Frame): void {
    this.frameList.splice(this.frameList.indexOf(frame), 1);
    frame.group = null;
    groupedFrameCount--;
  }

  /** Frames of the group that call a frame outside it. */
  get exitFrames(): readonly Frame[] {
    if (this.exitFrameCache === null) {
      this.exitFrameCache = this.frameList.filter((frame) => frame.children.some((c) => c.group !== this));
    }
    return this.exitFrameCache;
  }
}

let groupedFrameCount = 0;

function newGroupId(): string {
  return typeof globalThis.crypto?.randomUUID === "function" ? globalThis.crypto.randomUUID() : `group-${++groupCounter}`;
}

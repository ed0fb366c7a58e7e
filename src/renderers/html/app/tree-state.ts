// Which call-tree frames are collapsed and which library groups are open, and the list of rows
// that follows. State is keyed by call path, so it survives re-processing the tree (another
// threshold or collapse mode builds new Frame objects for the same calls).
import type { Frame } from "../../../frame/frame.ts";

export type Row =
  | { kind: "frame"; frame: Frame; depth: number; key: string }
  | { kind: "group"; frame: Frame; depth: number; key: string };

export class TreeState {
  private readonly collapsed = new Map<string, boolean>();
  private readonly openGroups = new Set<string>();
  private readonly keys = new WeakMap<Frame, string>();

  keyOf(frame: Frame): string {
    let key = this.keys.get(frame);
    if (key === undefined) {
      // Iterative: call paths can be thousands of frames deep.
      const path: Frame[] = [];
      let current: Frame | null = frame;
      while (current && !this.keys.has(current)) {
        path.push(current);
        current = current.parent;
      }
      key = current ? this.keys.get(current)! : "";
      for (let i = path.length - 1; i >= 0; i--) {
        key = `${key}\u0002${path[i].identifier}`;
        this.keys.set(path[i], key);
      }
    }
    return key;
  }

  isCollapsed(frame: Frame): boolean {
    return this.collapsed.get(this.keyOf(frame)) === true;
  }

  isGroupOpen(frame: Frame): boolean {
    const root = frame.group?.root;
    return root !== undefined && this.openGroups.has(this.keyOf(root));
  }

  setGroupOpen(frame: Frame, open: boolean): void {
    const root = frame.group?.root;
    if (!root) return;
    if (open) this.openGroups.add(this.keyOf(root));
    else this.openGroups.delete(this.keyOf(root));
  }

  /** Collapses or expands a frame; `recursive` does its whole subtree and opens or closes its groups. */
  setCollapsed(frame: Frame, collapsed: boolean, recursive: boolean): void {
    this.collapsed.set(this.keyOf(frame), collapsed);
    if (!recursive) return;
    const pending: Frame[] = [frame];
    while (pending.length) {
      const current = pending.pop()!;
      this.collapsed.set(this.keyOf(current), collapsed);
      if (current.group && current.group.root === current) this.setGroupOpen(current, !collapsed);
      for (const child of current.children) pending.push(child);
    }
  }

  /** Expands every ancestor of `frame` and opens their groups, so that it has a row. */
  reveal(frame: Frame): void {
    for (let current = frame.parent; current; current = current.parent) this.collapsed.set(this.keyOf(current), false);
    if (frame.group) this.setGroupOpen(frame, true);
    for (let current = frame.parent; current; current = current.parent) if (current.group) this.setGroupOpen(current, true);
  }

  /**
   * pyinstrument's rule for a grouped frame: it has a row if its group is open, if it is the
   * group's root, or if it calls more than one frame outside the group.
   */
  hasRow(frame: Frame): boolean {
    const group = frame.group;
    if (!group || group.root === frame || this.isGroupOpen(frame)) return true;
    let outside = 0;
    for (const child of frame.children) if (!child.group) outside++;
    return outside > 1;
  }

  /** The rows to show, in order: frames, and a group line under each expanded group root. */
  rows(root: Frame): Row[] {
    const rows: Row[] = [];
    const pending: Array<{ frame: Frame; depth: number }> = [{ frame: root, depth: 0 }];
    while (pending.length) {
      const { frame, depth } = pending.pop()!;
      const shown = this.hasRow(frame);
      const key = this.keyOf(frame);
      if (shown) rows.push({ kind: "frame", frame, depth, key });
      const collapsed = this.collapsed.get(key) === true;
      if (frame.group && frame.group.root === frame && !collapsed) rows.push({ kind: "group", frame, depth, key: `${key}\u0003` });
      if (collapsed) continue;
      const childDepth = depth + (shown ? 1 : 0);
      const children = frame.children;
      for (let i = children.length - 1; i >= 0; i--) pending.push({ frame: children[i], depth: childDepth });
    }
    return rows;
  }
}

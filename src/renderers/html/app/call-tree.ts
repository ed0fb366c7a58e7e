// The call tree: pyinstrument's indented, time-annotated tree with library code in groups.
// Only the rows in view are in the DOM (rows have one fixed height), so a tree of any size opens
// and scrolls at once; keyboard focus is a row index, not a DOM element.
import type { Frame } from "../../../frame/frame.ts";
import { appendHighlighted, el } from "./dom.ts";
import { codePosition, colorForProportion, frameLibrary, frameName, formatTime } from "./format.ts";
import { treeMatches } from "./search.ts";
import type { AppState } from "./state.ts";
import { type Row, TreeState } from "./tree-state.ts";

const ROW_HEIGHT = 22;
const INDENT = 22;
const OVERSCAN = 10;

export class CallTreeView {
  readonly element: HTMLElement;
  private readonly inner: HTMLElement;
  private readonly tree = new TreeState();
  private root: Frame | null = null;
  private rows: Row[] = [];
  private focusIndex = 0;
  private matches: Frame[] = [];
  private matchSet = new Set<Frame>();
  private ancestorsOfMatches = new Set<Frame>();
  private matchQuery = "";
  private renderQueued = false;

  constructor(
    private readonly state: AppState,
    private readonly precision: number,
    private readonly emptyMessage: string,
  ) {
    this.inner = el("div", { className: "call-tree-inner" });
    this.element = el("div", { className: "call-tree", attrs: { role: "tree", "aria-label": "Call tree" } }, [this.inner]);
    this.element.addEventListener("scroll", () => this.queueRender());
    this.element.addEventListener("click", (event) => this.onClick(event));
    this.element.addEventListener("keydown", (event) => this.onKeyDown(event));
    new ResizeObserver(() => this.queueRender()).observe(this.element);
  }

  setRoot(root: Frame | null): void {
    this.root = root;
    this.matchQuery = "\u0000";
    this.refresh();
  }

  /** Re-reads state (collapsed frames, search, time format) and redraws. */
  refresh(): void {
    if (this.state.query !== this.matchQuery) {
      this.matchQuery = this.state.query;
      ({ matches: this.matches, ancestorsOfMatches: this.ancestorsOfMatches } = this.root
        ? treeMatches(this.root, this.state.query)
        : { matches: [], ancestorsOfMatches: new Set<Frame>() });
      this.matchSet = new Set(this.matches);
    }
    this.rows = this.root ? this.tree.rows(this.root) : [];
    this.focusIndex = Math.min(this.focusIndex, Math.max(0, this.rows.length - 1));
    this.render();
  }

  get matchCount(): number {
    return this.matches.length;
  }

  /** Shows the next search match after the focused row: expands its callers and scrolls to it. */
  revealNextMatch(backwards = false): void {
    if (!this.matches.length) return;
    const focused = this.rows[this.focusIndex]?.frame;
    let index = focused ? this.matches.indexOf(focused) : -1;
    if (index === -1) {
      const order = new Map(this.rows.map((row, i) => [row.frame, i]));
      index = backwards ? this.matches.length : -1;
      // Without a focused match, start from the first match at or after the focused row.
      for (let i = 0; i < this.matches.length; i++) {
        const at = order.get(this.matches[i]);
        if (at !== undefined && at >= this.focusIndex) {
          index = backwards ? i : i - 1;
          break;
        }
      }
    }
    const next = this.matches[(index + (backwards ? -1 : 1) + this.matches.length) % this.matches.length];
    this.tree.reveal(next);
    this.rows = this.tree.rows(this.root!);
    const rowIndex = this.rows.findIndex((row) => row.kind === "frame" && row.frame === next);
    if (rowIndex !== -1) this.focusRow(rowIndex, "center");
    this.render();
  }

  private queueRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      this.render();
    });
  }

  private render(): void {
    const hadFocus = this.element.contains(document.activeElement);
    this.inner.replaceChildren();
    if (!this.root) {
      this.inner.style.height = "";
      this.inner.append(el("div", { className: "empty-message", text: this.emptyMessage }));
      return;
    }
    const viewHeight = this.element.clientHeight || 600;
    const first = Math.max(0, Math.floor(this.element.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((this.element.scrollTop + viewHeight) / ROW_HEIGHT) + OVERSCAN);
    this.inner.style.height = `${this.rows.length * ROW_HEIGHT}px`;
    this.inner.style.paddingTop = `${first * ROW_HEIGHT}px`;
    const total = this.root.time;
    for (let i = first; i < last; i++) {
      const row = this.rows[i];
      const element = row.kind === "frame" ? this.frameRow(row.frame, total) : this.groupRow(row.frame);
      element.dataset.index = String(i);
      element.tabIndex = i === this.focusIndex ? 0 : -1;
      element.setAttribute("aria-level", String(row.depth + 1));
      element.prepend(el("span", { className: "indent", attrs: { style: `width:${row.depth * INDENT}px` } }));
      this.inner.append(element);
    }
    if (hadFocus) this.focusedElement()?.focus({ preventScroll: true });
  }

  private frameRow(frame: Frame, total: number): HTMLElement {
    const proportion = total > 0 ? frame.time / total : 0;
    const color = colorForProportion(proportion);
    const collapsed = this.tree.isCollapsed(frame);
    const query = this.state.query;
    const classes = ["row", "frame-row"];
    if (frame.isApplicationCode) classes.push("application-code");
    if (query && this.matchesFrame(frame)) classes.push("match");
    if (query && collapsed && this.ancestorsOfMatches.has(frame)) classes.push("contains-match");
    const row = el("div", { className: classes.join(" "), attrs: { role: "treeitem" } });
    if (frame.children.length) row.setAttribute("aria-expanded", String(!collapsed));
    const triangle = el("span", { className: `triangle${collapsed ? "" : " open"}${frame.children.length ? "" : " leaf"}` });
    triangle.style.color = color;
    const time = el("span", { className: "time", text: formatTime(frame.time, total, this.state.settings.timeFormat, this.precision) });
    time.style.color = color;
    if (proportion >= 0.15) time.classList.add("heavy");
    const name = el("span", { className: "name" });
    appendHighlighted(name, frameName(frame), query);
    const location = el("span", { className: "location" });
    appendHighlighted(location, codePosition(frame), query);
    row.append(triangle, time, name, location);
    return row;
  }

  private groupRow(frame: Frame): HTMLElement {
    const group = frame.group!;
    const open = this.tree.isGroupOpen(frame);
    const libraries: string[] = [];
    for (const member of group.frames) {
      if (member.isSynthetic) continue;
      const library = frameLibrary(member);
      if (library && !libraries.includes(library)) libraries.push(library);
    }
    const summary = libraries.length < 4 ? libraries.join(", ") : `${libraries.slice(0, 3).join(", ")}...`;
    const hiddenMatch = this.state.query && !open && group.frames.some((member) => member !== frame && this.matchesFrame(member));
    const button = el("span", { className: "group-button" }, [
      el("span", { className: `triangle${open ? " open" : ""}` }),
      `${group.frames.length - 1} frames hidden (${summary})`,
    ]);
    const row = el("div", { className: `row group-row${hiddenMatch ? " contains-match" : ""}`, attrs: { role: "treeitem" } }, [button]);
    row.setAttribute("aria-expanded", String(open));
    return row;
  }

  private matchesFrame(frame: Frame): boolean {
    return this.matchSet.has(frame);
  }

  private rowIndexOf(target: EventTarget | null): number {
    const row = target instanceof Element ? target.closest<HTMLElement>(".row") : null;
    return row?.dataset.index !== undefined ? Number(row.dataset.index) : -1;
  }

  private onClick(event: MouseEvent): void {
    const index = this.rowIndexOf(event.target);
    if (index === -1) return;
    // Selecting text in a row should not toggle it.
    if (window.getSelection()?.toString()) return;
    this.focusIndex = index;
    this.toggle(index, event.altKey);
    this.focusRow(index);
  }

  private toggle(index: number, recursive: boolean): void {
    const row = this.rows[index];
    if (!row) return;
    if (row.kind === "group") this.tree.setGroupOpen(row.frame, !this.tree.isGroupOpen(row.frame));
    else if (row.frame.children.length) this.tree.setCollapsed(row.frame, !this.tree.isCollapsed(row.frame), recursive);
    this.refresh();
  }

  private onKeyDown(event: KeyboardEvent): void {
    const row = this.rows[this.focusIndex];
    if (!row) return;
    let handled = true;
    switch (event.key) {
      case "Enter":
      case " ":
        this.toggle(this.focusIndex, event.altKey);
        break;
      case "ArrowUp":
        this.focusRow(this.focusIndex - 1);
        break;
      case "ArrowDown":
        this.focusRow(this.focusIndex + 1);
        break;
      case "Home":
        this.focusRow(0);
        break;
      case "End":
        this.focusRow(this.rows.length - 1);
        break;
      case "ArrowLeft":
        this.collapseOrUp(row, event.altKey);
        break;
      case "ArrowRight":
        this.expandOrDown(row, event.altKey);
        break;
      default:
        handled = false;
    }
    if (handled) {
      event.preventDefault();
      event.stopPropagation();
    }
  }

  private collapseOrUp(row: Row, recursive: boolean): void {
    if (row.kind === "group") {
      if (this.tree.isGroupOpen(row.frame)) this.toggle(this.focusIndex, false);
      return;
    }
    if (row.frame.children.length && !this.tree.isCollapsed(row.frame)) {
      this.tree.setCollapsed(row.frame, true, recursive);
      this.refresh();
      return;
    }
    // Already collapsed: go to the caller's row, as tree widgets do.
    for (let i = this.focusIndex - 1; i >= 0; i--) {
      if (this.rows[i].kind === "frame" && this.rows[i].depth < row.depth) return this.focusRow(i);
    }
  }

  private expandOrDown(row: Row, recursive: boolean): void {
    if (row.kind === "group") {
      if (!this.tree.isGroupOpen(row.frame)) this.toggle(this.focusIndex, false);
      return;
    }
    if (row.frame.children.length && this.tree.isCollapsed(row.frame)) {
      this.tree.setCollapsed(row.frame, false, recursive);
      this.refresh();
    } else if (recursive && row.frame.children.length) {
      this.tree.setCollapsed(row.frame, false, true);
      this.refresh();
    } else {
      this.focusRow(this.focusIndex + 1);
    }
  }

  private focusRow(index: number, align: "nearest" | "center" = "nearest"): void {
    if (index < 0 || index >= this.rows.length) return;
    this.focusIndex = index;
    const top = index * ROW_HEIGHT;
    const view = this.element;
    if (align === "center") view.scrollTop = Math.max(0, top - view.clientHeight / 2);
    else if (top < view.scrollTop) view.scrollTop = top;
    else if (top + ROW_HEIGHT > view.scrollTop + view.clientHeight) view.scrollTop = top + ROW_HEIGHT - view.clientHeight;
    this.render();
    this.focusedElement()?.focus({ preventScroll: true });
  }

  private focusedElement(): HTMLElement | null {
    return this.inner.querySelector<HTMLElement>(`.row[data-index="${this.focusIndex}"]`);
  }
}

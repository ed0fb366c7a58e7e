// A canvas flame chart: zoom (wheel, W/S, click a box), pan (drag, shift-wheel, A/D, arrows),
// tooltips, search highlighting. Drawing visits only boxes that can be seen: a subtree off
// screen or under half a pixel wide is skipped in one step, so a million boxes redraw quickly.
import type { Boxes } from "./boxes.ts";
import { el } from "./dom.ts";
import { formatPercent, formatSeconds } from "./format.ts";

const PITCH = 20;
const BOX_HEIGHT = 19;
const AXIS_HEIGHT = 22;
const FONT = '12px "Source Sans Pro", -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const BACKGROUND = "#212325";
/** Closest zoom: 10 px for 150 ns, as pyinstrument's timeline allows. */
const MIN_SECONDS_PER_PIXEL = 150e-9 / 10;

export interface ChartOptions {
  /** Draw a time axis (the timeline); the flame graph's x is aggregated time, not a clock. */
  axis: boolean;
  precision: number;
  ariaLabel: string;
}

export class ChartView {
  readonly element: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly tooltip: HTMLElement;
  private boxes: Boxes | null = null;
  private viewStart = 0;
  private viewDuration = 1;
  private yOffset = 0;
  private width = 0;
  private height = 0;
  private query = "";
  private hover: { x: number; y: number } | null = null;
  private drag: { x: number; y: number; viewStart: number; yOffset: number; moved: boolean } | null = null;
  private drawQueued = false;

  constructor(private readonly options: ChartOptions) {
    this.canvas = el("canvas", { className: "chart-canvas", attrs: { tabindex: "0", role: "img", "aria-label": options.ariaLabel } });
    this.tooltip = el("div", { className: "chart-tooltip", attrs: { hidden: "" } });
    this.element = el("div", { className: "chart" }, [this.canvas, this.tooltip]);
    new ResizeObserver(() => this.resize()).observe(this.element);
    this.canvas.addEventListener("wheel", (event) => this.onWheel(event), { passive: false });
    this.canvas.addEventListener("mousedown", (event) => this.onMouseDown(event));
    window.addEventListener("mousemove", (event) => this.onMouseMove(event));
    window.addEventListener("mouseup", (event) => this.onMouseUp(event));
    this.canvas.addEventListener("mouseleave", () => {
      this.hover = null;
      this.queueDraw();
    });
    this.canvas.addEventListener("dblclick", () => this.resetZoom());
    this.canvas.addEventListener("keydown", (event) => this.onKeyDown(event));
  }

  setBoxes(boxes: Boxes | null): void {
    this.boxes = boxes;
    this.resetZoom();
  }

  setQuery(query: string): void {
    this.query = query;
    this.queueDraw();
  }

  resetZoom(): void {
    this.viewStart = 0;
    this.viewDuration = this.boxes && this.boxes.totalTime > 0 ? this.boxes.totalTime : 1;
    this.yOffset = 0;
    this.queueDraw();
  }

  /** Zooms so that the box fills the width. */
  zoomToBox(box: number): void {
    const boxes = this.boxes;
    if (!boxes || boxes.duration[box] <= 0) return;
    this.viewStart = boxes.start[box];
    this.viewDuration = boxes.duration[box];
    this.clamp();
    this.queueDraw();
  }

  /** Seconds shown across the chart, and where they start: for tests and the toolbar. */
  get viewport(): { start: number; duration: number } {
    return { start: this.viewStart, duration: this.viewDuration };
  }

  private get topMargin(): number {
    return this.options.axis ? AXIS_HEIGHT : 4;
  }

  private resize(): void {
    const rect = this.element.getBoundingClientRect();
    const ratio = window.devicePixelRatio || 1;
    this.width = Math.max(1, Math.floor(rect.width));
    this.height = Math.max(1, Math.floor(rect.height));
    this.canvas.width = this.width * ratio;
    this.canvas.height = this.height * ratio;
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${this.height}px`;
    this.clamp();
    this.draw();
  }

  private queueDraw(): void {
    if (this.drawQueued) return;
    this.drawQueued = true;
    requestAnimationFrame(() => {
      this.drawQueued = false;
      this.draw();
    });
  }

  private clamp(): void {
    const total = this.boxes?.totalTime || 1;
    const minDuration = Math.min(total, MIN_SECONDS_PER_PIXEL * this.width);
    this.viewDuration = Math.min(total, Math.max(minDuration, this.viewDuration));
    this.viewStart = Math.min(total - this.viewDuration, Math.max(0, this.viewStart));
    const contentHeight = this.topMargin + ((this.boxes?.maxDepth ?? 0) + 1) * PITCH + 8;
    this.yOffset = Math.min(Math.max(0, contentHeight - this.height), Math.max(0, this.yOffset));
  }

  private draw(): void {
    const ctx = this.canvas.getContext("2d");
    if (!ctx) return;
    const ratio = window.devicePixelRatio || 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = BACKGROUND;
    ctx.fillRect(0, 0, this.width, this.height);
    if (!this.boxes) return;
    if (this.options.axis) this.drawAxis(ctx);
    const matches = this.drawBoxes(ctx, this.boxes);
    this.updateTooltip();
    // What is on screen, for tests and tools (the canvas itself cannot be read as text).
    const data = this.element.dataset;
    data.viewStart = String(this.viewStart);
    data.viewDuration = String(this.viewDuration);
    data.drawnMatches = String(matches);
  }

  /** Draws the boxes in view; returns how many of them match the search. */
  private drawBoxes(ctx: CanvasRenderingContext2D, boxes: Boxes): number {
    let matches = 0;
    const scale = this.width / this.viewDuration;
    const top = this.topMargin - this.yOffset;
    const query = this.query;
    // Per depth, the last whole pixel a sub-pixel box was drawn in: more tiny boxes there add nothing.
    const lastPixel = new Float64Array(boxes.maxDepth + 2).fill(-1);
    ctx.font = FONT;
    ctx.textBaseline = "middle";
    const { start, duration, depth, end, hidden } = boxes;
    const last = end[boxes.first];
    for (let i = boxes.first; i < last; ) {
      if (hidden[i]) {
        i++;
        continue;
      }
      const x = (start[i] - this.viewStart) * scale;
      const w = duration[i] * scale;
      const y = top + depth[i] * PITCH;
      if (x > this.width || x + w < 0 || y > this.height) {
        i = end[i];
        continue;
      }
      const matched = query !== "" && boxes.matches(i, query);
      if (w < 1 && !matched) {
        const pixel = Math.floor(x);
        if (pixel !== lastPixel[depth[i]] && y + BOX_HEIGHT >= 0) {
          lastPixel[depth[i]] = pixel;
          ctx.globalAlpha = query ? 0.2 : boxes.isApplicationCode(i) ? 0.9 : 0.5;
          ctx.fillStyle = boxes.color(i);
          ctx.fillRect(pixel, y, 1, BOX_HEIGHT);
        }
        // Descendants are narrower still; at this zoom they would add nothing.
        i = end[i];
        continue;
      }
      if (y + BOX_HEIGHT >= 0) {
        this.drawBox(ctx, boxes, i, x, y, w, matched);
        if (matched) matches++;
      }
      i++;
    }
    ctx.globalAlpha = 1;
    return matches;
  }

  private drawBox(ctx: CanvasRenderingContext2D, boxes: Boxes, i: number, x: number, y: number, w: number, matched: boolean): void {
    const left = Math.max(x, -1);
    const right = Math.min(x + w, this.width + 1);
    const width = Math.max(1, right - left - (w > 3 ? 1 : 0));
    const dim = this.query !== "" && !matched;
    ctx.globalAlpha = dim ? 0.2 : boxes.isApplicationCode(i) ? 1 : 0.6;
    ctx.fillStyle = boxes.color(i);
    ctx.fillRect(left, y, width, BOX_HEIGHT);
    if (matched) {
      ctx.globalAlpha = 1;
      ctx.strokeStyle = "#ffe14d";
      ctx.lineWidth = 2;
      ctx.strokeRect(left + 1, y + 1, Math.max(0, width - 2), BOX_HEIGHT - 2);
    }
    if (width < 24) return;
    let label = boxes.label(i);
    const maxChars = Math.floor((width - 6) / 5.5);
    if (label.length > maxChars) label = maxChars > 2 ? `${label.slice(0, maxChars - 1)}…` : "";
    if (!label) return;
    ctx.globalAlpha = dim ? 0.45 : 1;
    ctx.fillStyle = "#ffffff";
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, y, width, BOX_HEIGHT);
    ctx.clip();
    ctx.fillText(label, left + 4, y + BOX_HEIGHT / 2 + 1);
    ctx.restore();
  }

  private drawAxis(ctx: CanvasRenderingContext2D): void {
    const secondsPerPixel = this.viewDuration / this.width;
    const rough = secondsPerPixel * 110;
    const power = Math.pow(10, Math.floor(Math.log10(rough)));
    const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? power * 10;
    const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
    ctx.font = FONT;
    ctx.textBaseline = "middle";
    for (let t = Math.floor(this.viewStart / step) * step; t <= this.viewStart + this.viewDuration; t += step) {
      const x = Math.round((t - this.viewStart) / secondsPerPixel) + 0.5;
      if (x < 0) continue;
      ctx.globalAlpha = 0.12;
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(x, 0, 1, this.height);
      ctx.globalAlpha = 0.55;
      ctx.fillText(`${t.toFixed(decimals)}s`, x + 4, AXIS_HEIGHT / 2);
    }
    ctx.globalAlpha = 1;
  }

  /** The box under a point of the canvas, or -1: descends from the first box through the ones containing the time. */
  boxAt(px: number, py: number): number {
    const boxes = this.boxes;
    if (!boxes) return -1;
    const t = this.viewStart + (px / this.width) * this.viewDuration;
    const wanted = Math.floor((py - this.topMargin + this.yOffset) / PITCH);
    if (wanted < 0 || (py - this.topMargin + this.yOffset) % PITCH > BOX_HEIGHT) return -1;
    const { start, duration, depth, end, hidden } = boxes;
    const last = end[boxes.first];
    for (let i = boxes.first; i < last; ) {
      if (hidden[i] || t < start[i] || t >= start[i] + duration[i]) {
        i = end[i];
        continue;
      }
      if (depth[i] === wanted) return i;
      if (depth[i] > wanted) return -1;
      i++;
    }
    return -1;
  }

  private updateTooltip(): void {
    const box = this.hover && !this.drag?.moved ? this.boxAt(this.hover.x, this.hover.y) : -1;
    if (box === -1 || !this.boxes) {
      this.tooltip.hidden = true;
      return;
    }
    const info = this.boxes.info(box);
    const total = this.boxes.totalTime || 1;
    const precision = this.options.precision;
    this.tooltip.replaceChildren(
      el("div", { className: "tooltip-name", text: info.name }),
      el("div", { className: "tooltip-time" }, [
        el("span", { className: "tooltip-label", text: "Time " }),
        `${formatSeconds(info.time, precision)}s (${formatPercent(info.time / total)})`,
        el("span", { className: "tooltip-label", text: "  Self " }),
        `${formatSeconds(info.selfTime, precision)}s`,
      ]),
      el("div", { className: "tooltip-location", text: info.location }),
      ...(info.library ? [el("div", { className: "tooltip-library", text: info.library })] : []),
    );
    this.tooltip.hidden = false;
    const width = this.tooltip.offsetWidth;
    const height = this.tooltip.offsetHeight;
    const x = Math.min(this.hover!.x + 14, this.width - width - 8);
    const y = this.hover!.y + 16 + height > this.height ? this.hover!.y - height - 10 : this.hover!.y + 16;
    this.tooltip.style.left = `${Math.max(4, x)}px`;
    this.tooltip.style.top = `${Math.max(4, y)}px`;
  }

  private localPoint(event: MouseEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  }

  private zoomAround(factor: number, px: number): void {
    const t = this.viewStart + (px / this.width) * this.viewDuration;
    this.viewDuration *= factor;
    this.clamp();
    this.viewStart = t - (px / this.width) * this.viewDuration;
    this.clamp();
    this.queueDraw();
  }

  private panBy(pixels: number): void {
    this.viewStart += (pixels / this.width) * this.viewDuration;
    this.clamp();
    this.queueDraw();
  }

  private onWheel(event: WheelEvent): void {
    event.preventDefault();
    const point = this.localPoint(event);
    const unit = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? this.height : 1;
    if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
      this.panBy((event.shiftKey ? event.deltaY : event.deltaX) * unit);
    } else {
      const speed = event.ctrlKey || event.metaKey ? 0.01 : 0.002;
      this.zoomAround(Math.exp(event.deltaY * unit * speed), point.x);
    }
    this.hover = point;
  }

  private onMouseDown(event: MouseEvent): void {
    if (event.button !== 0) return;
    const point = this.localPoint(event);
    this.drag = { ...point, viewStart: this.viewStart, yOffset: this.yOffset, moved: false };
    this.canvas.classList.add("dragging");
    event.preventDefault();
    this.canvas.focus({ preventScroll: true });
  }

  private onMouseMove(event: MouseEvent): void {
    const point = this.localPoint(event);
    if (this.drag) {
      const dx = point.x - this.drag.x;
      const dy = point.y - this.drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) this.drag.moved = true;
      if (this.drag.moved) {
        this.viewStart = this.drag.viewStart - (dx / this.width) * this.viewDuration;
        this.yOffset = this.drag.yOffset - dy;
        this.clamp();
      }
    }
    const inside = point.x >= 0 && point.y >= 0 && point.x < this.width && point.y < this.height;
    this.hover = inside ? point : null;
    if (inside || this.drag) this.queueDraw();
  }

  private onMouseUp(event: MouseEvent): void {
    const drag = this.drag;
    if (!drag) return;
    this.drag = null;
    this.canvas.classList.remove("dragging");
    if (!drag.moved) {
      const point = this.localPoint(event);
      const box = this.boxAt(point.x, point.y);
      if (box !== -1) this.zoomToBox(box);
    }
    this.queueDraw();
  }

  private onKeyDown(event: KeyboardEvent): void {
    const middle = this.hover?.x ?? this.width / 2;
    const actions: Record<string, () => void> = {
      w: () => this.zoomAround(0.8, middle),
      "+": () => this.zoomAround(0.8, middle),
      "=": () => this.zoomAround(0.8, middle),
      s: () => this.zoomAround(1.25, middle),
      "-": () => this.zoomAround(1.25, middle),
      a: () => this.panBy(-this.width * 0.1),
      ArrowLeft: () => this.panBy(-this.width * 0.1),
      d: () => this.panBy(this.width * 0.1),
      ArrowRight: () => this.panBy(this.width * 0.1),
      ArrowUp: () => ((this.yOffset -= PITCH * 3), this.clamp(), this.queueDraw()),
      ArrowDown: () => ((this.yOffset += PITCH * 3), this.clamp(), this.queueDraw()),
      Escape: () => this.resetZoom(),
      "0": () => this.resetZoom(),
    };
    const action = actions[event.key];
    if (!action || event.ctrlKey || event.metaKey || event.altKey) return;
    event.preventDefault();
    action();
  }
}

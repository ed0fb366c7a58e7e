import type { Frame, FrameGroup } from "../frame/frame.ts";
import { libraryName } from "../frame/library.ts";
import { callTreeProcessors, type Processor } from "../processors/processors.ts";
import type { Session } from "../session/session.ts";
import { pyFixed, pyStrftime } from "../util/pyformat.ts";
import { VERSION } from "../version.ts";
import { FrameRenderer, type FrameRendererOptions, MisconfigurationError } from "./base.ts";

export interface ConsoleRendererOptions extends FrameRendererOptions {
  /** Box-drawing characters for the tree. */
  unicode?: boolean;
  /** ANSI colours. */
  color?: boolean;
  /** A flat list of functions by time instead of a call tree. */
  flat?: boolean;
  /** In a flat list, `self` time or `total` time including children. */
  flatTime?: "self" | "total";
  /** Times as `seconds` or as `percent_of_total`. */
  time?: "seconds" | "percent_of_total";
  /** A short, dotted report, as `profile()` prints. */
  shortMode?: boolean;
}

const COLORS = {
  red: "\x1b[31m",
  green: "\x1b[32m",
  yellow: "\x1b[33m",
  brightGreen: "\x1b[92m",
  bgDarkBlue255: "\x1b[48;5;24m",
  white255: "\x1b[38;5;15m",
  faint: "\x1b[2m",
  end: "\x1b[0m",
};
type Colors = typeof COLORS;
const NO_COLORS: Colors = Object.fromEntries(Object.keys(COLORS).map((key) => [key, ""])) as Colors;

type Indents = { branch: string; trunk: string; last: string; space: string };
const UNICODE_INDENTS: Indents = { branch: "├─ ", trunk: "│  ", last: "└─ ", space: "   " };
const ASCII_INDENTS: Indents = { branch: "|- ", trunk: "|  ", last: "`- ", space: "   " };
const GROUP_INDENTS: Indents = { branch: "      ", trunk: "      ", last: "      ", space: "      " };
const HIDDEN_INDENTS: Indents = { branch: "", trunk: "", last: "", space: "" };

/** The text report: a call tree (or flat list) for terminals and text files. */
export class ConsoleRenderer extends FrameRenderer {
  readonly outputFileExtension = "txt";
  readonly unicode: boolean;
  readonly color: boolean;
  readonly flat: boolean;
  readonly flatTime: "self" | "total";
  readonly time: "seconds" | "percent_of_total";
  readonly shortMode: boolean;
  private readonly colors: Colors;
  private rootFrame: Frame | null = null;
  /** Whether each group is shown in full, decided once per render: deciding walks the whole group. */
  private ignoredGroups = new Map<FrameGroup, boolean>();

  constructor(options: ConsoleRendererOptions = {}) {
    super(options);
    this.unicode = options.unicode ?? false;
    this.color = options.color ?? false;
    this.flat = options.flat ?? false;
    this.flatTime = options.flatTime ?? "self";
    this.time = options.time ?? "seconds";
    this.shortMode = options.shortMode ?? false;
    if (this.flat && this.timeline) throw new MisconfigurationError("Cannot use timeline and flat options together.");
    if (this.time !== "seconds" && this.time !== "percent_of_total") {
      throw new MisconfigurationError(`time should be "seconds" or "percent_of_total", not ${JSON.stringify(this.time)}`);
    }
    if (this.flatTime !== "self" && this.flatTime !== "total") {
      throw new MisconfigurationError(`flat_time should be "self" or "total", not ${JSON.stringify(this.flatTime)}`);
    }
    this.colors = this.color ? COLORS : NO_COLORS;
  }

  defaultProcessors(): Processor[] {
    return callTreeProcessors();
  }

  render(session: Session): string {
    const out: string[] = [this.renderPreamble(session)];
    const frame = this.preprocess(session);
    const indent = this.shortMode ? ".  " : "";
    const precision = Math.max(0, Math.ceil(-Math.log10(Math.min(Math.max(1e-9, session.maxInterval), 1))));
    if (frame === null) {
      out.push(`${indent}No samples were recorded.\n`);
    } else {
      this.rootFrame = frame;
      this.ignoredGroups = new Map();
      if (this.flat) this.renderFrameFlat(frame, precision, out);
      else this.renderTree(frame, precision, indent, out);
    }
    out.push(`${indent}\n`);
    if (this.shortMode) out.push(".".repeat(53) + "\n\n");
    return out.join("");
  }

  private renderPreamble(session: Session): string {
    if (this.shortMode) {
      return `\npyinstrument ........................................\n.\n.  ${session.targetDescription}\n.\n`;
    }
    const lines = [
      "",
      "  _     ._   __/__   _ _  _  _ _/_  " +
      ` Recorded: ${pyStrftime("%X", session.startTime).padEnd(9)}` +
      ` Samples:  ${session.sampleCount}`,
      " /_//_/// /_\\ / //_// / //_'/ //    " +
      ` Duration: ${pyFixed(session.duration, 3).padEnd(9)}` +
      ` CPU time: ${pyFixed(session.cpuTime, 3)}`,
      "/   _/        " + `v${VERSION}`.padStart(20),
      "",
      session.targetDescription,
      "",
      "",
    ];
    return lines.join("\n");
  }

  private shouldRenderFrame(frame: Frame): boolean {
    if (frame.group && !this.shouldIgnoreGroup(frame.group)) return this.shouldRenderFrameInGroup(frame);
    return true;
  }

  private shouldRenderFrameInGroup(frame: Frame): boolean {
    const group = frame.group!;
    return group.root === frame || frame.totalSelfTime > 0.2 * this.rootFrame!.time || group.exitFrames.includes(frame);
  }

  /** A group with fewer than two hidden frames is shown in full. */
  private shouldIgnoreGroup(group: FrameGroup): boolean {
    let ignored = this.ignoredGroups.get(group);
    if (ignored === undefined) {
      let hidden = 0;
      for (const frame of group.frames) if (!this.shouldRenderFrameInGroup(frame)) hidden++;
      ignored = hidden < 2;
      this.ignoredGroups.set(group, ignored);
    }
    return ignored;
  }

  private groupDescription(group: FrameGroup): string {
    const hidden = group.frames.filter((frame) => !this.shouldRenderFrame(frame));
    const libraries: string[] = [];
    for (const frame of hidden) {
      const short = frame.filePathShort;
      if (!short) continue;
      const library = libraryName(short);
      if (library && !libraries.includes(library)) libraries.push(library);
    }
    return `[${hidden.length} frames hidden]  ${this.colors.faint}${truncate(libraries.join(", "), 40)}${this.colors.end}\n`;
  }

  /** Writes the tree depth-first without recursion, so deep call stacks render too. */
  private renderTree(root: Frame, precision: number, indent: string, out: string[]): void {
    const treeIndents = this.unicode ? UNICODE_INDENTS : ASCII_INDENTS;
    const pending: Array<[frame: Frame, indent: string, childIndent: string]> = [[root, indent, indent]];
    while (pending.length) {
      const [frame, frameIndent, childIndent] = pending.pop()!;
      let indents: Indents;
      if (this.shouldRenderFrame(frame)) {
        out.push(`${frameIndent}${this.frameDescription(frame, precision)}\n`);
        indents = treeIndents;
        if (frame.group && frame.group.root === frame && !this.shouldIgnoreGroup(frame.group)) {
          out.push(`${childIndent}   ${this.groupDescription(frame.group)}`);
          indents = GROUP_INDENTS;
        }
      } else {
        indents = HIDDEN_INDENTS;
      }
      const children = frame.children;
      let lastRendered = -1;
      for (let i = children.length - 1; i >= 0; i--) {
        if (this.shouldRenderFrame(children[i])) {
          lastRendered = i;
          break;
        }
      }
      for (let i = children.length - 1; i >= 0; i--) {
        const notLast = i < lastRendered;
        pending.push([
          children[i],
          childIndent + (notLast ? indents.branch : indents.last),
          childIndent + (notLast ? indents.trunk : indents.space),
        ]);
      }
    }
  }

  private renderFrameFlat(root: Frame, precision: number, out: string[]): void {
    const timeById = new Map<string, number>();
    const frameById = new Map<string, Frame>();
    const pending: Frame[] = [root];
    while (pending.length) {
      const frame = pending.pop()!;
      // pyinstrument's precedence: in `total` mode the last frame visited wins, nothing is summed.
      timeById.set(
        frame.identifier,
        this.flatTime === "self" ? (timeById.get(frame.identifier) ?? 0) + frame.totalSelfTime : frame.time,
      );
      frameById.set(frame.identifier, frame);
      const children = frame.children;
      for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
    }
    let pairs = [...timeById].sort((a, b) => b[1] - a[1]);
    if (!this.showAll) pairs = pairs.filter(([, time]) => time / root.time > 0.001);
    for (const [identifier, time] of pairs) {
      out.push(this.frameDescription(frameById.get(identifier)!, precision, time) + "\n");
    }
  }

  private frameDescription(frame: Frame, precision: number, overrideTime?: number): string {
    const time = overrideTime ?? frame.time;
    const c = this.colors;
    const timeText = this.time === "percent_of_total"
      ? `${pyFixed(this.proportionOfTotal(time) * 100, 1)}%`
      : pyFixed(time, precision);
    const className = frame.className;
    const functionName = className ? `${className}.${frame.function}` : frame.function;
    const nameColor = frame.isApplicationCode ? c.bgDarkBlue255 + c.white255 : "";
    const position = frame.codePositionShort();
    const positionText = position ? `${c.faint}${position}${c.end}` : "";
    return `${this.timeColor(time)}${timeText}${c.end} ${nameColor}${functionName}${c.end}  ${positionText}`;
  }

  private proportionOfTotal(time: number): number {
    const rootTime = this.rootFrame!.time;
    return rootTime === 0 ? 1 : time / rootTime;
  }

  private timeColor(time: number): string {
    const proportion = this.proportionOfTotal(time);
    const c = this.colors;
    if (proportion > 0.6) return c.red;
    if (proportion > 0.2) return c.yellow;
    if (proportion > 0.05) return c.green;
    return c.brightGreen + c.faint;
  }
}

function truncate(text: string, maxLength: number): string {
  return text.length > maxLength ? text.slice(0, maxLength - 3) + "..." : text;
}

import type { Frame } from "../frame/frame.ts";
import { callTreeProcessors, type Processor } from "../processors/processors.ts";
import { AWAIT_FRAME_IDENTIFIER } from "../session/frame-info.ts";
import type { Session } from "../session/session.ts";
import { pyFixed, pyJsonStringUnicode as encodeString } from "../util/pyformat.ts";
import { FrameRenderer } from "./base.ts";

/** The processed call tree as JSON, in pyinstrument's layout. */
export class JSONRenderer extends FrameRenderer {
  readonly outputFileExtension: string = "json";

  defaultProcessors(): Processor[] {
    return callTreeProcessors();
  }

  render(session: Session): string {
    const frame = this.preprocess(session);
    const header = [
      `"start_time": ${pyFixed(session.startTime, 6)}`,
      `"duration": ${pyFixed(session.duration, 6)}`,
      `"sample_count": ${Math.trunc(session.sampleCount)}`,
      `"target_description": ${encodeString(session.targetDescription)}`,
      `"cpu_time": ${pyFixed(session.cpuTime, 6)}`,
    ];
    return `{${header.join(",")},"root_frame": ${frame ? renderFrameJSON(frame) : "null"}}\n`;
  }
}

/** One frame and its subtree, built without recursion so deep stacks render. */
function renderFrameJSON(root: Frame): string {
  const awaitTimes = subtreeAwaitTimes(root);
  const out: string[] = [];
  const pending: Array<Frame | string> = [root];
  while (pending.length) {
    const item = pending.pop()!;
    if (typeof item === "string") {
      out.push(item);
      continue;
    }
    const frame = item;
    out.push(
      `{"function": ${encodeString(frame.function)},` +
        `"file_path_short": ${encodeString(frame.filePathShort ?? "")},` +
        `"file_path": ${encodeString(frame.filePath ?? "")},` +
        `"line_no": ${frame.lineNo || 0},` +
        `"time": ${pyFixed(frame.time, 6)},` +
        `"await_time": ${pyFixed(awaitTimes.get(frame)!, 6)},` +
        `"is_application_code": ${frame.isApplicationCode ? "true" : "false"},` +
        `"children": [`,
    );
    let tail = "]";
    if (frame.group) tail += `,"group_id": ${encodeString(frame.group.id)}`;
    const className = frame.className;
    if (className) tail += `,"class_name": ${encodeString(className)}`;
    pending.push(tail + "}");
    const children = frame.children;
    for (let i = children.length - 1; i >= 0; i--) {
      pending.push(children[i]);
      if (i > 0) pending.push(",");
    }
  }
  return out.join("");
}

/**
 * Every frame's `awaitTime()` in one pass; asking each frame would walk its whole subtree, which
 * is quadratic on deep stacks. Sums in pyinstrument's order: own time, then each child's total.
 */
function subtreeAwaitTimes(root: Frame): Map<Frame, number> {
  const preOrder: Frame[] = [];
  const pending: Frame[] = [root];
  while (pending.length) {
    const frame = pending.pop()!;
    preOrder.push(frame);
    for (const child of frame.children) pending.push(child);
  }
  const times = new Map<Frame, number>();
  for (let i = preOrder.length - 1; i >= 0; i--) {
    const frame = preOrder[i];
    let time = frame.identifier === AWAIT_FRAME_IDENTIFIER ? frame.time : 0;
    for (const child of frame.children) time += times.get(child)!;
    times.set(frame, time);
  }
  return times;
}

import type { Frame } from "../frame/frame.ts";
import { timelineProcessors, type Processor } from "../processors/processors.ts";
import type { Session } from "../session/session.ts";
import { PyFloat, pyJsonDumps, pyStrftime, type PyJsonValue } from "../util/pyformat.ts";
import { FrameRenderer } from "./base.ts";

/** speedscope's evented JSON format (a timeline: repeated calls are not added up). */
export class SpeedscopeRenderer extends FrameRenderer {
  readonly outputFileExtension = "speedscope.json";

  defaultProcessors(): Processor[] {
    return timelineProcessors();
  }

  render(session: Session): string {
    const frame = this.preprocess(session);
    const id = pyStrftime("%Y-%m-%dT%H-%M-%S", session.startTime);
    const name = `CPU profile for '${session.targetDescription}' at ${id}`;
    const { events, frames } = frame ? speedscopeEvents(frame) : { events: [], frames: [] };
    const file: PyJsonValue = {
      $schema: "https://www.speedscope.app/file-format-schema.json",
      name,
      activeProfileIndex: null,
      exporter: "pyinstrument",
      profiles: [{
        type: "evented",
        name,
        unit: "seconds",
        startValue: new PyFloat(0),
        endValue: new PyFloat(session.duration),
        events,
      }],
      shared: { frames },
    };
    return pyJsonDumps(file) + "\n";
  }
}

/** Open and close events from a depth-first walk; the clock advances by leaf and absorbed time. */
function speedscopeEvents(root: Frame): { events: PyJsonValue[]; frames: PyJsonValue[] } {
  const frameIndex = new Map<string, number>();
  const frames: PyJsonValue[] = [];
  const events: PyJsonValue[] = [];
  let clock = 0;
  const pending: Array<{ frame: Frame; index: number; open: boolean }> = [];
  const indexOf = (frame: Frame): number => {
    const key = JSON.stringify([frame.function, frame.filePath, frame.lineNo]);
    let index = frameIndex.get(key);
    if (index === undefined) {
      index = frames.length;
      frameIndex.set(key, index);
      frames.push({ name: frame.function, file: frame.filePath, line: frame.lineNo });
    }
    return index;
  };
  pending.push({ frame: root, index: -1, open: true });
  while (pending.length) {
    const item = pending.pop()!;
    if (item.open) {
      const index = indexOf(item.frame);
      events.push({ type: "O", at: new PyFloat(clock), frame: index });
      pending.push({ frame: item.frame, index, open: false });
      const children = item.frame.children;
      for (let i = children.length - 1; i >= 0; i--) pending.push({ frame: children[i], index: -1, open: true });
    } else {
      clock += item.frame.absorbedTime;
      if (item.frame.isSyntheticLeaf) clock += item.frame.time;
      events.push({ type: "C", at: new PyFloat(clock), frame: item.index });
    }
  }
  return { events, frames };
}

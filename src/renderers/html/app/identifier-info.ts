// Names, locations and libraries per identifier id, for the views that work on the core's id
// arrays (timeline, bottom-up) rather than on Frame objects. Each identifier is described once,
// through a Frame, so the answers are the call tree's.
import { Frame } from "../../../frame/frame.ts";
import type { Session } from "../../../session/session.ts";
import { codePosition, frameLibrary, frameName } from "./format.ts";

export interface IdentifierInfo {
  name: string;
  /** The timeline's label: a module's top level is named by its file. */
  label: string;
  location: string;
  /** The file as recorded, for search. */
  fullPath: string;
  library: string;
  isApplicationCode: boolean;
}

export class IdentifierInfos {
  private readonly cache: Array<IdentifierInfo | undefined> = [];

  constructor(private readonly session: Session) {}

  get(id: number): IdentifierInfo {
    let info = this.cache[id];
    if (!info) {
      const frame = new Frame(this.session.samples.frames.identifiers[id], 0, this.session);
      const name = frameName(frame);
      info = {
        name,
        label: name === "<module>" ? frame.filePathShort ?? name : name,
        location: codePosition(frame),
        fullPath: frame.filePath ?? "",
        library: frameLibrary(frame),
        isApplicationCode: frame.isApplicationCode,
      };
      this.cache[id] = info;
    }
    return info;
  }
}

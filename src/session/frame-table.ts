import { GrowableInt32 } from "../util/growable.ts";
import { frameInfoIdentifier, SELF_TIME_FRAME_IDENTIFIER, SYNTHETIC_LEAF_IDENTIFIERS } from "./frame-info.ts";

/** Flag bits per frame info, shared with the tree core. */
export const FRAME_FLAG_SYNTHETIC_LEAF = 1;
export const FRAME_FLAG_HAS_ATTRIBUTES = 2;

/**
 * The distinct frame-info strings of a session, each with its identifier (the frame info without
 * attributes). Everything below this table works on integer ids.
 */
export class FrameTable {
  readonly frameInfos: string[] = [];
  readonly identifiers: string[] = [];
  private readonly frameInfoIds = new Map<string, number>();
  private readonly identifierIds = new Map<string, number>();
  private readonly identifierOfFrame = new GrowableInt32();
  private flags = new Uint8Array(64);
  /** Identifier id of the synthetic `[self]` frame, which is never a frame info of its own. */
  readonly selfIdentifier: number;

  constructor() {
    this.selfIdentifier = this.internIdentifier(SELF_TIME_FRAME_IDENTIFIER);
  }

  get count(): number {
    return this.frameInfos.length;
  }

  intern(frameInfo: string): number {
    const known = this.frameInfoIds.get(frameInfo);
    if (known !== undefined) return known;
    const id = this.frameInfos.length;
    this.frameInfos.push(frameInfo);
    this.frameInfoIds.set(frameInfo, id);
    const identifier = frameInfoIdentifier(frameInfo);
    this.identifierOfFrame.push(this.internIdentifier(identifier));
    if (id >= this.flags.length) {
      const next = new Uint8Array(this.flags.length * 2);
      next.set(this.flags);
      this.flags = next;
    }
    this.flags[id] = (SYNTHETIC_LEAF_IDENTIFIERS.has(identifier) ? FRAME_FLAG_SYNTHETIC_LEAF : 0) |
      (identifier.length !== frameInfo.length ? FRAME_FLAG_HAS_ATTRIBUTES : 0);
    return id;
  }

  internIdentifier(identifier: string): number {
    let id = this.identifierIds.get(identifier);
    if (id === undefined) {
      id = this.identifiers.length;
      this.identifiers.push(identifier);
      this.identifierIds.set(identifier, id);
    }
    return id;
  }

  identifierIdOf(frameId: number): number {
    return this.identifierOfFrame.data[frameId];
  }

  identifierIdsView(): Int32Array {
    return this.identifierOfFrame.view();
  }

  flagsView(): Uint8Array {
    return this.flags.subarray(0, this.frameInfos.length);
  }
}

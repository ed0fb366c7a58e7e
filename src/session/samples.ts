import { GrowableFloat64, GrowableInt32 } from "../util/growable.ts";
import { FrameTable } from "./frame-table.ts";
import { StackTable } from "./stack-table.ts";

/** A session's samples in compact form: which stack each sample saw, and for how long. */
export interface SampleData {
  readonly frames: FrameTable;
  readonly stacks: StackTable;
  readonly sampleStack: Int32Array;
  readonly sampleWeight: Float64Array;
}

/**
 * Collects samples from any source (a sampler, a file importer) into interned tables. Stacks
 * given as frame-info strings reuse the previous stack's prefix, since consecutive samples
 * mostly share their callers.
 */
export class SampleRecorder {
  readonly frames: FrameTable;
  readonly stacks: StackTable;
  private readonly sampleStack: GrowableInt32;
  private readonly sampleWeight: GrowableFloat64;
  private previousInfos: readonly string[] = [];
  private previousNodes: number[] = [];

  constructor(frames = new FrameTable(), stacks = new StackTable(), expectedSamples = 1024) {
    this.frames = frames;
    this.stacks = stacks;
    this.sampleStack = new GrowableInt32(expectedSamples);
    this.sampleWeight = new GrowableFloat64(expectedSamples);
  }

  get sampleCount(): number {
    return this.sampleStack.length;
  }

  /** The stack node for a root-first list of frame infos; -1 for an empty stack. */
  stackFor(frameInfos: readonly string[]): number {
    const previous = this.previousInfos;
    const nodes = this.previousNodes;
    let depth = 0;
    const shared = Math.min(previous.length, frameInfos.length);
    while (depth < shared && previous[depth] === frameInfos[depth]) depth++;
    nodes.length = depth;
    let node = depth === 0 ? -1 : nodes[depth - 1];
    for (; depth < frameInfos.length; depth++) {
      node = this.stacks.intern(node, this.frames.intern(frameInfos[depth]));
      nodes.push(node);
    }
    this.previousInfos = frameInfos;
    return node;
  }

  addSample(stack: number, weight: number): void {
    this.sampleStack.push(stack);
    this.sampleWeight.push(weight);
  }

  finish(): SampleData {
    return {
      frames: this.frames,
      stacks: this.stacks,
      sampleStack: this.sampleStack.view().slice(),
      sampleWeight: this.sampleWeight.view().slice(),
    };
  }
}

// Bottom-up figures straight from the samples: per function, the time at the top of the stack
// (self) and the time anywhere on the stack, counted once per sample even when it recurses (total);
// and, for a chain of callees, who called it and for how long. Work is per distinct stack, not
// per sample, after one pass that adds up each stack's samples.
import type { SampleData } from "../../../session/samples.ts";

export interface FunctionStats {
  /** Identifier id in the session's frame table. */
  id: number;
  self: number;
  total: number;
}

export interface CallerStats {
  /** Identifier id of the caller, -1 where the chain starts the stack. */
  id: number;
  time: number;
}

export class BottomUp {
  readonly functions: FunctionStats[];
  readonly totalTime: number;
  private readonly stackIdentifier: Int32Array;
  private readonly stackParent: Int32Array;
  /** Stacks that samples end in, and their time. */
  private readonly leafStacks: Int32Array;
  private readonly leafTime: Float64Array;

  constructor(samples: SampleData) {
    const { frames, stacks, sampleStack, sampleWeight } = samples;
    const count = stacks.count;
    this.stackParent = stacks.parent.view();
    this.stackIdentifier = new Int32Array(count);
    for (let s = 0; s < count; s++) this.stackIdentifier[s] = frames.identifierIdOf(stacks.frame.data[s]);

    const weightOfStack = new Float64Array(count);
    let totalTime = 0;
    for (let i = 0; i < sampleStack.length; i++) {
      weightOfStack[sampleStack[i]] += sampleWeight[i];
      totalTime += sampleWeight[i];
    }
    this.totalTime = totalTime;
    const leaves: number[] = [];
    for (let s = 0; s < count; s++) if (weightOfStack[s] > 0) leaves.push(s);
    this.leafStacks = Int32Array.from(leaves);
    this.leafTime = Float64Array.from(leaves, (s) => weightOfStack[s]);

    const identifierCount = frames.identifiers.length;
    const self = new Float64Array(identifierCount);
    const total = new Float64Array(identifierCount);
    // stamp[id] = the leaf stack that last counted id, so recursion counts once per stack.
    const stamp = new Int32Array(identifierCount).fill(-1);
    for (let k = 0; k < this.leafStacks.length; k++) {
      const leaf = this.leafStacks[k];
      const time = this.leafTime[k];
      self[this.stackIdentifier[leaf]] += time;
      for (let s = leaf; s !== -1; s = this.stackParent[s]) {
        const id = this.stackIdentifier[s];
        if (stamp[id] === leaf) continue;
        stamp[id] = leaf;
        total[id] += time;
      }
    }
    this.functions = [];
    for (let id = 0; id < identifierCount; id++) {
      if (total[id] > 0) this.functions.push({ id, self: self[id], total: total[id] });
    }
  }

  /** The callers of the innermost function of `chain` (callee first, then its caller, ...), by time. */
  callers(chain: readonly number[]): CallerStats[] {
    const byCaller = new Map<number, number>();
    for (let k = 0; k < this.leafStacks.length; k++) {
      let s = this.leafStacks[k];
      let matched = 0;
      while (matched < chain.length && s !== -1 && this.stackIdentifier[s] === chain[matched]) {
        matched++;
        s = this.stackParent[s];
      }
      if (matched < chain.length) continue;
      const caller = s === -1 ? -1 : this.stackIdentifier[s];
      byCaller.set(caller, (byCaller.get(caller) ?? 0) + this.leafTime[k]);
    }
    return [...byCaller.entries()].map(([id, time]) => ({ id, time })).sort((a, b) => b.time - a.time);
  }
}

import { GrowableInt32 } from "../util/growable.ts";

/**
 * A trie of call paths: stack node i is frame `frame[i]` called from stack node `parent[i]`
 * (-1 at the top). Parents always precede children, so one forward pass visits callers first.
 */
export class StackTable {
  readonly parent: GrowableInt32 = new GrowableInt32();
  readonly frame: GrowableInt32 = new GrowableInt32();
  private index = new Int32Array(128).fill(-1);
  private mask = 127;

  get count(): number {
    return this.parent.length;
  }

  /** The node for `frame` called from `parent`, created if new. */
  intern(parent: number, frame: number): number {
    let slot = hashPair(parent, frame) & this.mask;
    const parents = this.parent.data;
    const frames = this.frame.data;
    for (;;) {
      const node = this.index[slot];
      if (node === -1) break;
      if (parents[node] === parent && frames[node] === frame) return node;
      slot = (slot + 1) & this.mask;
    }
    const node = this.parent.push(parent);
    this.frame.push(frame);
    this.index[slot] = node;
    if (this.count * 2 > this.mask) this.rehash();
    return node;
  }

  /** Appends the nodes of another table built on the same frame ids (used after a core merge). */
  static fromArrays(parent: Int32Array, frame: Int32Array): StackTable {
    const table = new StackTable();
    table.parent.grow(Math.max(16, parent.length));
    table.frame.grow(Math.max(16, parent.length));
    table.parent.data.set(parent);
    table.frame.data.set(frame);
    table.parent.length = table.frame.length = parent.length;
    table.rehash();
    return table;
  }

  /** Frame ids from the top of the stack down to `node`. */
  path(node: number): number[] {
    const path: number[] = [];
    for (let n = node; n !== -1; n = this.parent.data[n]) path.push(this.frame.data[n]);
    return path.reverse();
  }

  private rehash(): void {
    let size = this.index.length;
    while (this.count * 2 > size - 1) size *= 2;
    this.index = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    const parents = this.parent.data;
    const frames = this.frame.data;
    for (let node = 0; node < this.count; node++) {
      let slot = hashPair(parents[node], frames[node]) & this.mask;
      while (this.index[slot] !== -1) slot = (slot + 1) & this.mask;
      this.index[slot] = node;
    }
  }
}

function hashPair(parent: number, frame: number): number {
  return (Math.imul(parent + 1, 0x9e3779b1) ^ Math.imul(frame, 0x85ebca77)) >>> 0;
}

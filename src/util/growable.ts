// Typed arrays that double when full: per-sample and per-node data stay compact and contiguous.

/** Small: a web request's profile has a handful of frames, and doubling keeps large ones cheap. */
const INITIAL_CAPACITY = 64;

export class GrowableInt32 {
  data: Int32Array;
  length = 0;
  constructor(capacity = INITIAL_CAPACITY) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(value: number): number {
    if (this.length === this.data.length) this.grow(this.length * 2);
    this.data[this.length] = value;
    return this.length++;
  }
  grow(capacity: number): void {
    const next = new Int32Array(capacity);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export class GrowableFloat64 {
  data: Float64Array;
  length = 0;
  constructor(capacity = INITIAL_CAPACITY) {
    this.data = new Float64Array(Math.max(16, capacity));
  }
  push(value: number): number {
    if (this.length === this.data.length) this.grow(this.length * 2);
    this.data[this.length] = value;
    return this.length++;
  }
  grow(capacity: number): void {
    const next = new Float64Array(capacity);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

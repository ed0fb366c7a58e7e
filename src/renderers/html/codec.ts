// Byte-level encoding of the HTML report's payload: unsigned LEB128 varints (zigzag for signed
// values) packed into bytes and carried as base64 text. Shared by the renderer, which encodes in
// Node, Deno or Bun, and by the page, which decodes in the browser: no runtime APIs beyond
// TextDecoder and typed arrays.

/** Appends varints and raw float64s to a byte buffer that doubles when full. */
export class ByteWriter {
  private bytes: Uint8Array;
  private length = 0;

  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(Math.max(16, capacity));
  }

  /** A non-negative integer below 2^53, seven bits a byte (arithmetic, not bit ops, past 2^31). */
  uint(value: number): void {
    this.reserve(8);
    let rest = value;
    while (rest >= 0x80) {
      this.bytes[this.length++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.bytes[this.length++] = rest;
  }

  /** A signed integer, zigzagged so that small magnitudes of either sign take one byte. */
  int(value: number): void {
    this.uint(value >= 0 ? value * 2 : -value * 2 - 1);
  }

  /** Raw little-endian float64s (for weights that are not whole multiples of a time unit). */
  float64s(values: Float64Array): void {
    this.reserve(values.length * 8);
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset);
    for (let i = 0; i < values.length; i++) view.setFloat64(this.length + i * 8, values[i], true);
    this.length += values.length * 8;
  }

  finish(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }
}

/** Reads what a ByteWriter wrote, in the same order. */
export class ByteReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  uint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.offset >= this.bytes.length) throw new RangeError("report data ends in the middle of a number");
      const byte = this.bytes[this.offset++];
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 0x80;
    }
  }

  int(): number {
    const zigzag = this.uint();
    return zigzag % 2 === 0 ? zigzag / 2 : -(zigzag + 1) / 2;
  }

  /**
   * `count` zigzagged deltas into running sums in `out`, in one tight loop (the per-sample arrays:
   * a million `int()` calls cost several times more); values must fit in 31 bits.
   */
  deltaInts(out: Int32Array, count: number): void {
    const bytes = this.bytes;
    let offset = this.offset;
    let previous = 0;
    for (let i = 0; i < count; i++) {
      let byte = bytes[offset++];
      let value = byte & 0x7f;
      for (let shift = 7; byte >= 0x80; shift += 7) {
        byte = bytes[offset++];
        value |= (byte & 0x7f) << shift;
      }
      previous += (value >>> 1) ^ -(value & 1);
      out[i] = previous;
    }
    if (offset > bytes.length) throw new RangeError("report data ends in the middle of a number");
    this.offset = offset;
  }

  /** `count` varints below 2^31, each divided by `scale`, into `out` (the per-sample weights). */
  scaledUints(out: Float64Array, count: number, scale: number): void {
    const bytes = this.bytes;
    let offset = this.offset;
    for (let i = 0; i < count; i++) {
      let byte = bytes[offset++];
      let value = byte & 0x7f;
      for (let shift = 7; byte >= 0x80; shift += 7) {
        byte = bytes[offset++];
        value |= (byte & 0x7f) << shift;
      }
      out[i] = value / scale;
    }
    if (offset > bytes.length) throw new RangeError("report data ends in the middle of a number");
    this.offset = offset;
  }

  float64s(count: number): Float64Array {
    if (this.offset + count * 8 > this.bytes.length) throw new RangeError("report data ends in the middle of a number");
    const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.offset, count * 8);
    const values = new Float64Array(count);
    for (let i = 0; i < count; i++) values[i] = view.getFloat64(i * 8, true);
    this.offset += count * 8;
    return values;
  }
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ENCODE = new Uint8Array(64);
const DECODE = new Uint8Array(128).fill(255);
for (let i = 0; i < 64; i++) {
  ENCODE[i] = ALPHABET.charCodeAt(i);
  DECODE[ALPHABET.charCodeAt(i)] = i;
}

/** Standard base64 with padding. */
export function encodeBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out[o++] = ENCODE[n >>> 18];
    out[o++] = ENCODE[(n >>> 12) & 63];
    out[o++] = ENCODE[(n >>> 6) & 63];
    out[o++] = ENCODE[n & 63];
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    out[o++] = ENCODE[n >>> 18];
    out[o++] = ENCODE[(n >>> 12) & 63];
    out[o++] = rest === 2 ? ENCODE[(n >>> 6) & 63] : 61;
    out[o++] = 61;
  }
  return new TextDecoder().decode(out);
}

export function decodeBase64(text: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let o = 0;
  let bits = 0;
  let buffer = 0;
  for (let i = 0; i < end; i++) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? DECODE[code] : 255;
    if (value === 255) throw new RangeError(`report data is not base64 (character ${i})`);
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >>> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}

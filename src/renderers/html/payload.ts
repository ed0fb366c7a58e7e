// The data an HTML report carries: the session in the compact form it has in memory (frame table,
// stack trie, per-sample stack ids and weights), packed as varints in base64, plus metadata. The
// page decodes it back into the same tables and builds every view from them with the same core,
// frame tree and processors as the text report. Size is about 3-5 bytes per sample, where a
// nested JSON tree (pyinstrument's page) takes about 1 KB per sample.
import { frameInfoIdentifier, IDENTIFIER_SEP } from "../../session/frame-info.ts";
import { FrameTable } from "../../session/frame-table.ts";
import type { SampleData } from "../../session/samples.ts";
import type { SessionMetadata } from "../../session/session.ts";
import { StackTable } from "../../session/stack-table.ts";
import { ByteReader, ByteWriter, encodeBase64 } from "./codec.ts";

export const PAYLOAD_FORMAT = "pyinstrument-js-report";
export const PAYLOAD_VERSION = 1;

/** How the report opens: the renderer's options, which the page's controls can then change. */
export interface InitialView {
  view: "call-tree" | "timeline" | "flame-graph" | "bottom-up";
  /** Fraction of the total below which call-tree frames are removed. */
  threshold: number;
  collapse: "library" | "custom" | "disabled";
  hideRegex: string;
  showRegex: string;
}

export interface ReportPayload {
  format: typeof PAYLOAD_FORMAT;
  version: number;
  generator: string;
  metadata: SessionMetadata;
  /** Distinct identifier parts and attribute suffixes of the frame infos. */
  strings: string[];
  frameCount: number;
  stackCount: number;
  sampleCount: number;
  /** Weights are `varint / weightScale` seconds; 0 means raw little-endian float64s. */
  weightScale: number;
  /** The largest weight in units of 1 / weightScale (decoders pick integer arithmetic below 2^31). */
  maxWeightUnits: number;
  /**
   * Base64 of four byte sections one after another (lengths in `sectionLengths`), compressed as
   * a whole when `compression` says so:
   * - frames: per frame, part count, string ids of its `\x00`-separated parts, attribute string id + 1 (0: none);
   * - stacks: per stack node, `node - parent` (node + 1 at the top), then the frame id;
   * - samples: per sample, stack id minus the previous sample's, zigzagged;
   * - weights: per sample, the weight (see `weightScale`).
   */
  data: string;
  sectionLengths: [frames: number, stacks: number, samples: number, weights: number];
  compression: "deflate-raw" | "none";
  /** File path -> the path as the text report shows it (computed where the profile was rendered). */
  shortPaths: Record<string, string>;
  initialView: InitialView;
}

export interface PayloadInput {
  metadata: SessionMetadata;
  samples: SampleData;
  shortenPath(path: string): string;
  generator: string;
  initialView: InitialView;
  /** Compresses the data sections (deflate-raw); without it they are stored as they are. */
  deflateRaw?: (bytes: Uint8Array) => Uint8Array;
}

export function encodePayload(input: PayloadInput): ReportPayload {
  const { frames, stacks, sampleStack, sampleWeight } = input.samples;
  const strings: string[] = [];
  const stringIds = new Map<string, number>();
  const intern = (text: string): number => {
    let id = stringIds.get(text);
    if (id === undefined) {
      id = strings.length;
      strings.push(text);
      stringIds.set(text, id);
    }
    return id;
  };
  const shortPaths: Record<string, string> = {};
  const frameBytes = new ByteWriter(frames.count * 6);
  for (const info of frames.frameInfos) {
    const identifier = frameInfoIdentifier(info);
    const parts = identifier.split(IDENTIFIER_SEP);
    frameBytes.uint(parts.length);
    for (const part of parts) frameBytes.uint(intern(part));
    frameBytes.uint(identifier.length === info.length ? 0 : intern(info.slice(identifier.length)) + 1);
    const file = parts[1];
    if (file && !(file in shortPaths)) {
      const short = input.shortenPath(file);
      if (short !== file) shortPaths[file] = short;
    }
  }

  const stackBytes = new ByteWriter(stacks.count * 4);
  const parents = stacks.parent.data;
  const stackFrames = stacks.frame.data;
  for (let node = 0; node < stacks.count; node++) {
    stackBytes.uint(node - parents[node]);
    stackBytes.uint(stackFrames[node]);
  }

  const sampleBytes = new ByteWriter(sampleStack.length * 2);
  let previous = 0;
  for (let i = 0; i < sampleStack.length; i++) {
    sampleBytes.int(sampleStack[i] - previous);
    previous = sampleStack[i];
  }

  const weightScale = wholeUnitScale(sampleWeight);
  const weightBytes = new ByteWriter(sampleWeight.length * (weightScale ? 2 : 8));
  let maxWeightUnits = 0;
  if (weightScale) {
    for (let i = 0; i < sampleWeight.length; i++) {
      const units = Math.round(sampleWeight[i] * weightScale);
      if (units > maxWeightUnits) maxWeightUnits = units;
      weightBytes.uint(units);
    }
  } else {
    weightBytes.float64s(sampleWeight);
  }

  const sections = [frameBytes.finish(), stackBytes.finish(), sampleBytes.finish(), weightBytes.finish()];
  const joined = new Uint8Array(sections.reduce((sum, section) => sum + section.length, 0));
  let offset = 0;
  for (const section of sections) {
    joined.set(section, offset);
    offset += section.length;
  }
  const compressed = input.deflateRaw ? input.deflateRaw(joined) : null;
  return {
    format: PAYLOAD_FORMAT,
    version: PAYLOAD_VERSION,
    generator: input.generator,
    metadata: pickMetadata(input.metadata),
    strings,
    frameCount: frames.count,
    stackCount: stacks.count,
    sampleCount: sampleStack.length,
    weightScale,
    maxWeightUnits,
    data: encodeBase64(compressed ?? joined),
    sectionLengths: [sections[0].length, sections[1].length, sections[2].length, sections[3].length],
    compression: compressed ? "deflate-raw" : "none",
    shortPaths,
    initialView: input.initialView,
  };
}

/** Just the metadata fields (the input may be a whole Session); paths were shortened already. */
function pickMetadata(m: SessionMetadata): SessionMetadata {
  return {
    startTime: m.startTime,
    duration: m.duration,
    minInterval: m.minInterval,
    maxInterval: m.maxInterval,
    sampleCount: m.sampleCount,
    startCallStack: [...m.startCallStack],
    targetDescription: m.targetDescription,
    cpuTime: m.cpuTime,
    sysPath: [],
    sysPrefixes: [...m.sysPrefixes],
  };
}

/**
 * The time unit (µs, then ns) in which every weight is a whole number that divides back to the
 * identical float, or 0. Profiles from `.cpuprofile` files have µs deltas, so this is the common
 * case; anything else is kept exact as float64.
 */
function wholeUnitScale(weights: Float64Array): number {
  for (const scale of [1e6, 1e9]) {
    let exact = true;
    for (let i = 0; i < weights.length && exact; i++) {
      const units = Math.round(weights[i] * scale);
      exact = units >= 0 && units <= Number.MAX_SAFE_INTEGER && units / scale === weights[i];
    }
    if (exact) return scale;
  }
  return 0;
}

/**
 * The tables of a payload, as the renderer had them, from its data sections (`data` decoded from
 * base64 and, if compressed, inflated). Throws on data that is not a report payload.
 */
export function decodePayload(payload: ReportPayload, data: Uint8Array): SampleData {
  if (payload.format !== PAYLOAD_FORMAT || payload.version !== PAYLOAD_VERSION) {
    throw new Error(`this page's data is ${payload.format} v${payload.version}, not ${PAYLOAD_FORMAT} v${PAYLOAD_VERSION}`);
  }
  const sections: Uint8Array[] = [];
  let offset = 0;
  for (const length of payload.sectionLengths) {
    sections.push(data.subarray(offset, offset + length));
    offset += length;
  }
  if (offset !== data.length) throw new RangeError(`report data has ${data.length} bytes, not ${offset}`);
  const { strings } = payload;
  const frames = new FrameTable();
  const frameReader = new ByteReader(sections[0]);
  for (let id = 0; id < payload.frameCount; id++) {
    const partCount = frameReader.uint();
    const parts: string[] = [];
    for (let p = 0; p < partCount; p++) parts.push(strings[frameReader.uint()]);
    const attributes = frameReader.uint();
    frames.intern(parts.join(IDENTIFIER_SEP) + (attributes ? strings[attributes - 1] : ""));
  }

  const parent = new Int32Array(payload.stackCount);
  const frame = new Int32Array(payload.stackCount);
  const stackReader = new ByteReader(sections[1]);
  for (let node = 0; node < payload.stackCount; node++) {
    parent[node] = node - stackReader.uint();
    frame[node] = stackReader.uint();
  }

  const sampleStack = new Int32Array(payload.sampleCount);
  new ByteReader(sections[2]).deltaInts(sampleStack, payload.sampleCount);

  const weightReader = new ByteReader(sections[3]);
  let sampleWeight: Float64Array;
  if (payload.weightScale && payload.maxWeightUnits < 2 ** 31) {
    sampleWeight = new Float64Array(payload.sampleCount);
    weightReader.scaledUints(sampleWeight, payload.sampleCount, payload.weightScale);
  } else if (payload.weightScale) {
    sampleWeight = new Float64Array(payload.sampleCount);
    for (let i = 0; i < payload.sampleCount; i++) sampleWeight[i] = weightReader.uint() / payload.weightScale;
  } else {
    sampleWeight = weightReader.float64s(payload.sampleCount);
  }
  return { frames, stacks: StackTable.fromArrays(parent, frame), sampleStack, sampleWeight };
}

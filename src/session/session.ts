import * as core from "../core/index.ts";
import { buildFrameTree, type TreePruning, type TreeShape } from "../frame/build-tree.ts";
import type { Frame, FrameContext } from "../frame/frame.ts";
import { FrameTable } from "./frame-table.ts";
import type { SampleData } from "./samples.ts";
import { StackTable } from "./stack-table.ts";
import { relpath } from "../util/relpath.ts";
import { readTextFile, writeTextFileAtomic } from "../util/files.ts";
import { importProfileJSON, importProfileText, type ImportedSession } from "./import/index.ts";
import { serializePyisession, sessionToJSON, type PyisessionJSON } from "./export/pyisession.ts";

/** The descriptive fields of a session, named as pyinstrument names them, in camelCase. */
export interface SessionMetadata {
  /** Epoch seconds when profiling started. */
  startTime: number;
  /** Wall-clock seconds profiled. */
  duration: number;
  minInterval: number;
  maxInterval: number;
  sampleCount: number;
  /** Frame infos of the code that started the profiler, root first (trimmed from reports). */
  startCallStack: string[];
  targetDescription: string;
  /** Process CPU seconds used while profiling. */
  cpuTime: number;
  /** Directories that file paths are shown relative to. */
  sysPath: string[];
  /** Path prefixes whose code counts as library code. */
  sysPrefixes: string[];
}

export type FrameRecord = [stack: string[], seconds: number];

export interface RootFrameOptions {
  /** Remove the frames above the code that started the profiler. Default true. */
  trimStem?: boolean;
  /** `aggregated` adds up repeated calls (as the text report shows them); default `chronological`. */
  shape?: TreeShape;
  /** Nodes to leave out because processors will delete them (see `TreePruning`). */
  pruning?: TreePruning;
}

/** The data collected by one profile: metadata plus the samples, kept compact. */
export class Session implements SessionMetadata, FrameContext {
  startTime: number;
  duration: number;
  minInterval: number;
  maxInterval: number;
  sampleCount: number;
  startCallStack: string[];
  targetDescription: string;
  cpuTime: number;
  sysPath: string[];
  sysPrefixes: string[];
  readonly samples: SampleData;
  private readonly shortPathCache = new Map<string, string>();

  constructor(metadata: SessionMetadata, samples: SampleData) {
    this.startTime = metadata.startTime;
    this.duration = metadata.duration;
    this.minInterval = metadata.minInterval;
    this.maxInterval = metadata.maxInterval;
    this.sampleCount = metadata.sampleCount;
    this.startCallStack = metadata.startCallStack;
    this.targetDescription = metadata.targetDescription;
    this.cpuTime = metadata.cpuTime;
    this.sysPath = metadata.sysPath;
    this.sysPrefixes = metadata.sysPrefixes;
    this.samples = samples;
  }

  /** Number of recorded samples (frame records). */
  get recordCount(): number {
    return this.samples.sampleStack.length;
  }

  /** pyinstrument's list of `[stack, seconds]`, built on demand from the compact tables. */
  get frameRecords(): FrameRecord[] {
    const { frames, stacks, sampleStack, sampleWeight } = this.samples;
    const pathCache = new Map<number, string[]>();
    const records: FrameRecord[] = [];
    for (let i = 0; i < sampleStack.length; i++) {
      let path = pathCache.get(sampleStack[i]);
      if (!path) {
        path = stacks.path(sampleStack[i]).map((frame) => frames.frameInfos[frame]);
        pathCache.set(sampleStack[i], path);
      }
      records.push([[...path], sampleWeight[i]]);
    }
    return records;
  }

  /** Reads a saved session: pyinstrument's `.pyisession` or a Chrome `.cpuprofile`. */
  static load(path: string): Session {
    return Session.fromImport(importProfileText(readTextFile(path), path));
  }

  save(path: string): void {
    writeTextFileAtomic(path, serializePyisession(this));
  }

  toJSON(): PyisessionJSON {
    return sessionToJSON(this);
  }

  /** A session from pyinstrument's JSON object (as `json.load` of a `.pyisession` gives it). */
  static fromJSON(json: unknown): Session {
    return Session.fromImport(importProfileJSON(json, "session"));
  }

  private static fromImport(imported: ImportedSession): Session {
    return new Session(imported.metadata, imported.samples);
  }

  /** Both sessions' samples in one session; meaningful for aggregate views, not as a timeline. */
  static combine(session1: Session, session2: Session): Session {
    if (session1.startTime > session2.startTime) [session1, session2] = [session2, session1];
    const a = session1.samples;
    const b = session2.samples;
    const frames = new FrameTable();
    for (const info of a.frames.frameInfos) frames.intern(info);
    const bFrameIds = new Int32Array(b.frames.count);
    b.frames.frameInfos.forEach((info, id) => (bFrameIds[id] = frames.intern(info)));
    const bFrames = b.stacks.frame.view().map((frame) => bFrameIds[frame]);
    const merged = core.mergeStacks(
      { parent: a.stacks.parent.view(), frame: a.stacks.frame.view(), count: a.stacks.count },
      { parent: b.stacks.parent.view(), frame: bFrames, count: b.stacks.count },
    );
    const sampleStack = new Int32Array(a.sampleStack.length + b.sampleStack.length);
    sampleStack.set(a.sampleStack);
    sampleStack.set(b.sampleStack.map((stack) => merged.bToMerged[stack]), a.sampleStack.length);
    const sampleWeight = new Float64Array(sampleStack.length);
    sampleWeight.set(a.sampleWeight);
    sampleWeight.set(b.sampleWeight, a.sampleWeight.length);
    return new Session(
      {
        startTime: session1.startTime,
        duration: session1.duration + session2.duration,
        minInterval: Math.min(session1.minInterval, session2.minInterval),
        maxInterval: Math.max(session1.maxInterval, session2.maxInterval),
        sampleCount: session1.sampleCount + session2.sampleCount,
        startCallStack: session1.startCallStack,
        targetDescription: session1.targetDescription,
        cpuTime: session1.cpuTime + session2.cpuTime,
        sysPath: [...session1.sysPath, ...session2.sysPath.filter((p) => !session1.sysPath.includes(p))],
        sysPrefixes: [...new Set([...session1.sysPrefixes, ...session2.sysPrefixes])],
      },
      { frames, stacks: StackTable.fromArrays(merged.parent, merged.frame), sampleStack, sampleWeight },
    );
  }

  /** Library prefixes for sessions recorded here: none beyond the built-in library rules. */
  static currentSysPrefixes(): string[] {
    return [];
  }

  /** The call tree of this session, or null if it has no samples. */
  rootFrame(options: RootFrameOptions = {}): Frame | null {
    return buildFrameTree(this, options.shape ?? "chronological", options.trimStem ?? true, options.pruning);
  }

  /** A path relative to the `sysPath` entry that gives the fewest components. */
  shortenPath(path: string): string {
    const cached = this.shortPathCache.get(path);
    if (cached !== undefined) return cached;
    let result = path;
    // URLs (`node:`, `https:`, `ext:`) are names, not paths to shorten.
    if (path.split("/").length > 1 && !/^[a-z][a-z0-9+.-]+:/i.test(path)) {
      for (const entry of this.sysPath) {
        const candidate = relpath(path, entry);
        if (!result || candidate.split("/").length < result.split("/").length) result = candidate;
      }
    }
    this.shortPathCache.set(path, result);
    return result;
  }

  /** A copy whose samples are merged into fewer, longer ones of at least `interval` seconds. */
  resample(interval: number): Session {
    const { sampleStack, sampleWeight } = this.samples;
    const picked = core.resample(sampleWeight, sampleWeight.length, interval);
    const stacks = new Int32Array(picked.count);
    for (let i = 0; i < picked.count; i++) stacks[i] = sampleStack[picked.index[i]];
    return new Session(
      { ...this, minInterval: interval, maxInterval: interval, sampleCount: picked.count },
      { ...this.samples, sampleStack: stacks, sampleWeight: picked.weight.slice(0, picked.count) },
    );
  }
}

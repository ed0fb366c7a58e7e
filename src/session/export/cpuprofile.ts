// Writes a session as a Chrome `.cpuprofile` (Chrome DevTools, speedscope, VS Code open it).
// Nodes come from the stack trie, so a node is a distinct call path; times are whole µs, rounded
// on the running total so that the sum never drifts. The extra `pyinstrument` field carries what
// the format cannot (metadata, frame attributes) so that importing the file gives the session back.
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { frameInfoIdentifier, IDENTIFIER_SEP } from "../frame-info.ts";
import {
  type CpuprofileCallFrame,
  type CpuprofileSessionInfo,
  frameInfoOfCallFrame,
  NATIVE_FILE,
  SPECIAL_FUNCTIONS,
} from "../import/cpuprofile.ts";
import type { Session } from "../session.ts";

export interface CpuprofileNode {
  id: number;
  callFrame: CpuprofileCallFrame;
  hitCount: number;
  children?: number[];
}

export interface CpuprofileJSON {
  nodes: CpuprofileNode[];
  /** µs; the session's epoch start, so importers can tell it from a monotonic clock. */
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
  pyinstrument: CpuprofileSessionInfo;
}

const ROOT_ID = 1;
const SYNTHETIC_TO_SPECIAL: ReadonlyMap<string, string> = new Map(
  [...SPECIAL_FUNCTIONS].map(([special, synthetic]) => [synthetic, special]),
);

export function sessionToCpuprofile(session: Session): CpuprofileJSON {
  const { frames, stacks, sampleStack, sampleWeight } = session.samples;
  const parent = stacks.parent.view();
  const frame = stacks.frame.view();

  // Export only the trie nodes on some sampled path (a combined or resampled session keeps others).
  const hits = new Int32Array(stacks.count);
  let rootHits = 0;
  for (let i = 0; i < sampleStack.length; i++) {
    if (sampleStack[i] < 0) rootHits++;
    else hits[sampleStack[i]]++;
  }
  const used = new Uint8Array(stacks.count);
  for (let k = stacks.count - 1; k >= 0; k--) {
    if (hits[k] > 0) used[k] = 1;
    if (used[k] && parent[k] !== -1) used[parent[k]] = 1;
  }

  // A single thread frame at the top is the `(root)` node; anything else hangs below a bare root.
  const tops: number[] = [];
  for (let k = 0; k < stacks.count; k++) if (used[k] && parent[k] === -1) tops.push(k);
  const rootStack = tops.length === 1 && fileOf(frames.frameInfos[frame[tops[0]]]) === "<thread>" ? tops[0] : -1;

  const scriptIds = new Map<string, string>([["", "0"]]);
  const paths = new Map<string, string>();
  // Per frame id: its callFrame, and whether importing that callFrame gives the frame info back.
  const callFrames = new Map<number, { callFrame: CpuprofileCallFrame; exact: boolean }>();
  const overrides: Record<string, string> = {};
  const root: CpuprofileNode = { id: ROOT_ID, callFrame: specialCallFrame("(root)"), hitCount: rootHits };
  const nodes: CpuprofileNode[] = [root];
  const nodeId = new Int32Array(stacks.count).fill(ROOT_ID);
  for (let k = 0; k < stacks.count; k++) {
    if (!used[k] || k === rootStack) continue;
    const frameInfo = frames.frameInfos[frame[k]];
    let known = callFrames.get(frame[k]);
    if (!known) {
      const callFrame = callFrameOf(frameInfo, scriptIds);
      known = { callFrame, exact: frameInfoOfCallFrame(callFrame, paths) === frameInfo };
      callFrames.set(frame[k], known);
    }
    const node: CpuprofileNode = { id: nodes.length + 1, callFrame: known.callFrame, hitCount: hits[k] };
    if (!known.exact) overrides[node.id] = frameInfo;
    nodeId[k] = node.id;
    nodes.push(node);
    const parentNode = nodes[(parent[k] === -1 ? ROOT_ID : nodeId[parent[k]]) - 1];
    (parentNode.children ??= []).push(node.id);
  }
  if (rootStack !== -1) root.hitCount += hits[rootStack];

  const startTime = Math.round(session.startTime * 1e6);
  const samples: number[] = new Array(sampleStack.length);
  const timeDeltas: number[] = new Array(sampleStack.length);
  let elapsed = 0;
  let previousMicros = 0;
  for (let i = 0; i < sampleStack.length; i++) {
    const micros = Math.round(elapsed * 1e6);
    samples[i] = sampleStack[i] < 0 ? ROOT_ID : nodeId[sampleStack[i]];
    timeDeltas[i] = micros - previousMicros;
    previousMicros = micros;
    elapsed += sampleWeight[i];
  }
  return {
    nodes,
    startTime,
    endTime: startTime + Math.round(elapsed * 1e6),
    samples,
    timeDeltas,
    pyinstrument: {
      version: 1,
      metadata: {
        startTime: session.startTime,
        duration: session.duration,
        minInterval: session.minInterval,
        maxInterval: session.maxInterval,
        sampleCount: session.sampleCount,
        startCallStack: session.startCallStack,
        targetDescription: session.targetDescription,
        cpuTime: session.cpuTime,
        sysPath: session.sysPath,
        sysPrefixes: session.sysPrefixes,
      },
      rootFrame: rootStack === -1 ? null : frames.frameInfos[frame[rootStack]],
      frames: overrides,
    },
  };
}

export function serializeCpuprofile(session: Session): string {
  return JSON.stringify(sessionToCpuprofile(session));
}

/** The callFrame V8 would write for a frame; the inverse of the importer's `frameInfoOfCallFrame`. */
function callFrameOf(frameInfo: string, scriptIds: Map<string, string>): CpuprofileCallFrame {
  const identifier = frameInfoIdentifier(frameInfo);
  const parts = identifier.split(IDENTIFIER_SEP);
  if (parts.length !== 3) return specialCallFrame(SYNTHETIC_TO_SPECIAL.get(identifier) ?? identifier);
  const [name, file, lineText] = parts;
  if (file === NATIVE_FILE) return specialCallFrame(name);
  const url = isAbsolute(file) ? pathToFileURL(file).href : file;
  let scriptId = scriptIds.get(url);
  if (scriptId === undefined) {
    scriptId = String(scriptIds.size);
    scriptIds.set(url, scriptId);
  }
  const line = Number.parseInt(lineText, 10);
  // V8 names a module's top level "" at column 0; every other function gets column 0 too (the
  // column is not kept), and a name, so the importer never mistakes it for a module.
  return {
    functionName: name === "<module>" ? "" : name,
    scriptId,
    url,
    lineNumber: Number.isNaN(line) ? -1 : line - 1,
    columnNumber: 0,
  };
}

function specialCallFrame(functionName: string): CpuprofileCallFrame {
  return { functionName, scriptId: "0", url: "", lineNumber: -1, columnNumber: -1 };
}

function fileOf(frameInfo: string): string | undefined {
  return frameInfoIdentifier(frameInfo).split(IDENTIFIER_SEP)[1];
}

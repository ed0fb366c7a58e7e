import { PyFloat, pyFloatRepr, pyJsonDumps, pyJsonString, type PyJsonValue } from "../../util/pyformat.ts";
import type { FrameRecord, Session } from "../session.ts";

/** pyinstrument's `Session.to_json()` shape, keys in its order. */
export interface PyisessionJSON {
  start_time: number;
  duration: number;
  min_interval: number;
  max_interval: number;
  sample_count: number;
  start_call_stack: string[];
  target_description: string;
  cpu_time: number;
  sys_path: string[];
  sys_prefixes: string[];
  frame_records?: FrameRecord[];
}

export function sessionToJSON(session: Session, includeFrameRecords = true): PyisessionJSON {
  const json: PyisessionJSON = {
    start_time: session.startTime,
    duration: session.duration,
    min_interval: session.minInterval,
    max_interval: session.maxInterval,
    sample_count: session.sampleCount,
    start_call_stack: session.startCallStack,
    target_description: session.targetDescription,
    cpu_time: session.cpuTime,
    sys_path: session.sysPath,
    sys_prefixes: session.sysPrefixes,
  };
  if (includeFrameRecords) json.frame_records = session.frameRecords;
  return json;
}

/** The session's metadata as `json.dumps` writes it, without the closing brace. */
function metadataText(session: Session): string {
  const metadata: Record<string, PyJsonValue> = {
    start_time: new PyFloat(session.startTime),
    duration: new PyFloat(session.duration),
    min_interval: new PyFloat(session.minInterval),
    max_interval: new PyFloat(session.maxInterval),
    sample_count: session.sampleCount,
    start_call_stack: session.startCallStack,
    target_description: session.targetDescription,
    cpu_time: new PyFloat(session.cpuTime),
    sys_path: session.sysPath,
    sys_prefixes: session.sysPrefixes,
  };
  return pyJsonDumps(metadata).slice(0, -1);
}

/**
 * The `.pyisession` text, exactly as pyinstrument's `json.dump(session.to_json())` writes it,
 * in chunks so that large sessions never need one giant string. Each distinct stack is
 * encoded once.
 */
export function serializePyisession(session: Session): string[] {
  const { frames, stacks, sampleStack, sampleWeight } = session.samples;
  const encodedFrame = frames.frameInfos.map(pyJsonString);
  const encodedStack = new Map<number, string>();
  const chunks: string[] = [metadataText(session), ', "frame_records": ['];
  let chunk = "";
  for (let i = 0; i < sampleStack.length; i++) {
    let stackText = encodedStack.get(sampleStack[i]);
    if (stackText === undefined) {
      stackText = "[" + stacks.path(sampleStack[i]).map((frame) => encodedFrame[frame]).join(", ") + "]";
      encodedStack.set(sampleStack[i], stackText);
    }
    chunk += `${i ? ", " : ""}[${stackText}, ${pyFloatRepr(sampleWeight[i])}]`;
    if (chunk.length > 1 << 20) {
      chunks.push(chunk);
      chunk = "";
    }
  }
  chunks.push(chunk, "]}");
  return chunks;
}

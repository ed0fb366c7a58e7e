import { UserError } from "../../util/files.ts";
import { SampleRecorder, type SampleData } from "../samples.ts";
import type { SessionMetadata } from "../session.ts";

export interface ImportedSession {
  metadata: SessionMetadata;
  samples: SampleData;
}

type JsonObject = Record<string, unknown>;

/** Reads pyinstrument's session JSON (`Session.to_json()`), checking its shape as it goes. */
export function importPyisession(json: JsonObject, source: string): ImportedSession {
  const records = json.frame_records;
  if (!Array.isArray(records)) throw shapeError(source, "frame_records", "a list");
  const recorder = new SampleRecorder(undefined, undefined, records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    if (!Array.isArray(record) || record.length !== 2 || !Array.isArray(record[0]) || typeof record[1] !== "number") {
      throw shapeError(source, `frame_records[${i}]`, "a [stack, seconds] pair");
    }
    const stack = record[0] as unknown[];
    if (stack.length === 0) throw shapeError(source, `frame_records[${i}]`, "a non-empty stack");
    for (let d = 0; d < stack.length; d++) {
      if (typeof stack[d] !== "string") throw shapeError(source, `frame_records[${i}][0][${d}]`, "a string");
    }
    recorder.addSample(recorder.stackFor(stack as string[]), record[1]);
  }
  const metadata: SessionMetadata = {
    startTime: requireNumber(json, "start_time", source),
    duration: requireNumber(json, "duration", source),
    minInterval: optionalNumber(json, "min_interval", source, 0.001),
    maxInterval: optionalNumber(json, "max_interval", source, 0.001),
    sampleCount: requireNumber(json, "sample_count", source),
    startCallStack: requireStrings(json, "start_call_stack", source),
    targetDescription: requireString(json, "target_description", source),
    cpuTime: json.cpu_time === null ? 0 : requireNumber(json, "cpu_time", source),
    sysPath: json.sys_path === undefined ? [] : requireStrings(json, "sys_path", source),
    sysPrefixes: json.sys_prefixes === undefined ? [] : requireStrings(json, "sys_prefixes", source),
  };
  return { metadata, samples: recorder.finish() };
}

function shapeError(source: string, field: string, expected: string): UserError {
  return new UserError(`${source} is not a valid pyinstrument session: ${field} should be ${expected}`);
}

function requireNumber(json: JsonObject, key: string, source: string): number {
  const value = json[key];
  if (typeof value !== "number") throw shapeError(source, key, "a number");
  return value;
}

function optionalNumber(json: JsonObject, key: string, source: string, fallback: number): number {
  return json[key] === undefined ? fallback : requireNumber(json, key, source);
}

function requireString(json: JsonObject, key: string, source: string): string {
  const value = json[key];
  if (typeof value !== "string") throw shapeError(source, key, "a string");
  return value;
}

function requireStrings(json: JsonObject, key: string, source: string): string[] {
  const value = json[key];
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw shapeError(source, key, "a list of strings");
  }
  return value as string[];
}

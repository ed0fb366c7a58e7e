import { UserError } from "../../util/files.ts";
import { importCpuprofile } from "./cpuprofile.ts";
import { importPyisession, type ImportedSession } from "./pyisession.ts";

export type { ImportedSession } from "./pyisession.ts";

/** Parses a saved profile of any supported format, named `source` in error messages. */
export function importProfileText(text: string, source: string): ImportedSession {
  if (text.trim() === "") throw new UserError(`${source} is empty`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
    throw new UserError(`${source} is not valid JSON (${reason}); is the file complete?`);
  }
  return importProfileJSON(json, source);
}

/** Picks the importer for an already parsed profile by its shape. */
export function importProfileJSON(json: unknown, source: string): ImportedSession {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new UserError(`${source} is not a profile: expected a JSON object`);
  }
  const object = json as Record<string, unknown>;
  if ("frame_records" in object) return importPyisession(object, source);
  if ("nodes" in object && "samples" in object) return importCpuprofile(object, source);
  throw new UserError(`${source} is not a profile this tool can read (expected a .pyisession or .cpuprofile file)`);
}

import type { RenderOptions } from "../renderers/index.ts";
import { UserError } from "../util/files.ts";

/**
 * Applies one `-p` option: `flag` sets true, `key=value` sets the JSON value (or the string when
 * it is not JSON), and dotted keys reach into nested options (`processor_options.filter_threshold`).
 */
export function applyRenderOption(target: RenderOptions, option: string): void {
  const eq = option.indexOf("=");
  const key = eq === -1 ? option : option.slice(0, eq);
  let value: unknown = true;
  if (eq !== -1) {
    const text = option.slice(eq + 1);
    try {
      value = JSON.parse(text);
    } catch {
      value = text;
    }
  }
  const path = key.split(".");
  if (path.some((part) => part === "")) throw new UserError(`invalid render option '${option}'`);
  let object: Record<string, unknown> = target;
  for (const part of path.slice(0, -1)) {
    const next = object[part];
    if (next === undefined || next === null) {
      object = object[part] = {};
    } else if (typeof next === "object" && !Array.isArray(next)) {
      object = next as Record<string, unknown>;
    } else {
      throw new UserError(`invalid render option '${option}': '${part}' is not a group of options`);
    }
  }
  object[path[path.length - 1]] = value;
}

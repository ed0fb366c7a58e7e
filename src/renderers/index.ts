import type { ProcessorOptions } from "../processors/processors.ts";
import { UserError } from "../util/files.ts";
import { pythonRegexMatcher } from "../util/pyregex.ts";
import type { Renderer } from "./base.ts";
import { ConsoleRenderer } from "./console.ts";
import { CpuprofileRenderer } from "./cpuprofile.ts";
import { HTMLRenderer } from "./html/html-renderer.ts";
import { JSONRenderer } from "./json.ts";
import { SessionRenderer } from "./session.ts";
import { SpeedscopeRenderer } from "./speedscope.ts";

export { ConsoleRenderer, CpuprofileRenderer, HTMLRenderer, JSONRenderer, SessionRenderer, SpeedscopeRenderer };
export type { Renderer };

/** Renderer options as pyinstrument names them (`-p` on the command line). */
export type RenderOptions = Record<string, unknown>;

interface RendererSpec {
  className: string;
  /** Option names it accepts, pyinstrument's snake_case -> this library's camelCase. */
  options: Record<string, string>;
  isFrameRenderer: boolean;
  create(options: Record<string, unknown>): Renderer;
}

const FRAME_OPTIONS = { show_all: "showAll", timeline: "timeline", processor_options: "processorOptions" };

export const RENDERERS: Record<string, RendererSpec> = {
  text: {
    className: "ConsoleRenderer",
    options: { ...FRAME_OPTIONS, unicode: "unicode", color: "color", flat: "flat", time: "time", flat_time: "flatTime", short_mode: "shortMode" },
    isFrameRenderer: true,
    create: (options) => new ConsoleRenderer(options),
  },
  html: {
    className: "HTMLRenderer",
    options: { ...FRAME_OPTIONS, resample_interval: "resampleInterval" },
    isFrameRenderer: true,
    create: (o) => new HTMLRenderer(o),
  },
  json: { className: "JSONRenderer", options: FRAME_OPTIONS, isFrameRenderer: true, create: (o) => new JSONRenderer(o) },
  speedscope: {
    className: "SpeedscopeRenderer", options: FRAME_OPTIONS, isFrameRenderer: true, create: (o) => new SpeedscopeRenderer(o),
  },
  pyisession: { className: "SessionRenderer", options: {}, isFrameRenderer: false, create: () => new SessionRenderer() },
};
RENDERERS.session = RENDERERS.pyisession;
RENDERERS.cpuprofile = {
  className: "CpuprofileRenderer", options: {}, isFrameRenderer: false, create: () => new CpuprofileRenderer(),
};

/** The renderer pyinstrument picks for an output file name, or undefined. */
export function rendererForFileName(fileName: string): string | undefined {
  const lower = fileName.toLowerCase();
  if (lower.endsWith(".speedscope.json")) return "speedscope";
  if (lower.endsWith(".json")) return "json";
  if (lower.endsWith(".txt")) return "text";
  if (lower.endsWith(".pyisession")) return "pyisession";
  if (lower.endsWith(".html") || lower.endsWith(".htm")) return "html";
  if (lower.endsWith(".cpuprofile")) return "cpuprofile";
  return undefined;
}

const BOOLEAN_OPTIONS = new Set(["show_all", "timeline", "unicode", "color", "flat", "short_mode"]);

/** Builds a renderer from pyinstrument-style options, with one clear error for anything wrong. */
export function createRenderer(name: string, options: RenderOptions): Renderer {
  const spec = RENDERERS[name];
  if (!spec) {
    throw new UserError(`unknown renderer '${name}': choose one of ${Object.keys(RENDERERS).join(", ")}`);
  }
  const converted: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    const target = spec.options[key];
    if (!target) {
      const known = Object.keys(spec.options);
      throw new UserError(
        `Failed to create ${spec.className}: unknown option '${key}'` +
          (known.length ? ` (it takes ${known.join(", ")})` : " (it takes no options)"),
      );
    }
    if (BOOLEAN_OPTIONS.has(key) && typeof value !== "boolean") {
      throw new UserError(`Failed to create ${spec.className}: option '${key}' should be true or false`);
    }
    if (key === "processor_options") checkProcessorOptions(spec.className, value);
    converted[target] = value;
  }
  try {
    return spec.create(converted);
  } catch (error) {
    throw new UserError(`Failed to create ${spec.className}: ${(error as Error).message}`);
  }
}

function checkProcessorOptions(className: string, value: unknown): asserts value is ProcessorOptions {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UserError(`Failed to create ${className}: processor_options should be an object`);
  }
  const options = value as ProcessorOptions;
  if (options.filter_threshold !== undefined && typeof options.filter_threshold !== "number") {
    throw new UserError(`Failed to create ${className}: processor_options.filter_threshold should be a number`);
  }
  for (const key of ["hide_regex", "show_regex"] as const) {
    const regex = options[key];
    if (regex === undefined || regex === null) continue;
    if (typeof regex !== "string") throw new UserError(`Failed to create ${className}: processor_options.${key} should be a string`);
    try {
      pythonRegexMatcher(regex);
    } catch (error) {
      throw new UserError(`invalid ${key} ${JSON.stringify(regex)}: ${(error as Error).message}`);
    }
  }
}

import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { openInBrowser } from "../renderers/html/open.ts";
import type { Renderer } from "../renderers/base.ts";
import { createRenderer, RENDERERS, rendererForFileName, type RenderOptions } from "../renderers/index.ts";
import type { SessionRenderer } from "../renderers/session.ts";
import { Session } from "../session/session.ts";
import { UserError, writeTextFileAtomic } from "../util/files.ts";
import { fnmatchTranslate } from "../util/pyregex.ts";
import { runtimeDescription } from "../runtime/detect.ts";
import { VERSION } from "../version.ts";
import { type CliOptions, helpText, parseArgs } from "./args.ts";
import { loadPrevHint, loadReport, saveReport } from "./report-store.ts";
import { ProgramEndedError, profileProgram } from "./run.ts";
import { applyRenderOption } from "./render-option.ts";

/** Runs the command line; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  quitOnClosedStdout();
  try {
    return await run(argv);
  } catch (error) {
    return reportError(error);
  }
}

let stdoutWatched = false;

/** A reader that stops early (`| head`) closes the pipe: the rest of the report is not wanted. */
function quitOnClosedStdout(): void {
  if (stdoutWatched) return;
  stdoutWatched = true;
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw error;
  });
}

async function run(argv: readonly string[]): Promise<number> {
  if (argv.length === 0) {
    process.stderr.write(helpText());
    return 2;
  }
  const options = parseArgs(argv);
  if (options.help) {
    process.stdout.write(helpText());
    return 0;
  }
  if (options.version) {
    process.stdout.write(`pyinstrument ${VERSION}, on ${runtimeDescription()}\n`);
    return 0;
  }
  const sources = [options.load, options.loadPrev, options.program, options.args.length ? options.args : undefined];
  const used = sources.filter((source) => source !== undefined).length;
  if (used === 0) throw new UserError("nothing to profile: give a script, -c CODE, --load FILE or --load-prev ID");
  if (used > 1) throw new UserError("You can only specify one of --load, --load-prev, -c, or script arguments");

  const rendererName = chooseRenderer(options);
  const renderer = createRenderer(rendererName, renderOptionsFor(options, rendererName));

  let session: Session;
  let exitCode = 0;
  let errorText: string | null = null;
  if (options.load !== undefined) {
    session = Session.load(options.load);
  } else if (options.loadPrev !== undefined) {
    session = loadReport(options.loadPrev);
  } else {
    ({ session, exitCode, errorText } = await profileProgram(options));
  }

  if (rendererName === "html" && options.outfile === undefined && process.stdout.isTTY) {
    // A page is no use in a terminal: save it and open it, as pyinstrument does.
    const file = join(tmpdir(), `pyinstrument-${Date.now()}.html`);
    writeTextFileAtomic(file, renderer.render(session));
    openInBrowser(file);
    process.stdout.write(`stdout is a terminal, so saved profile output to ${file}\n`);
  } else {
    writeOutput(renderer, session, options.outfile);
  }
  if (rendererName === "text" && options.outfile === undefined) {
    // Keeping the report is a convenience: a full disk must not turn a good run into a failure.
    try {
      process.stdout.write(loadPrevHint(saveReport(session)));
    } catch {
      // no hint then
    }
  }
  if (errorText !== null) process.stderr.write(errorText.endsWith("\n") ? errorText : errorText + "\n");
  return exitCode;
}

function chooseRenderer(options: CliOptions): string {
  if (options.html) return "html";
  if (options.renderer !== undefined) return options.renderer;
  if (options.outfile !== undefined) return rendererForFileName(options.outfile) ?? "text";
  return "text";
}

/** pyinstrument's `compute_render_options`: show/hide patterns, terminal abilities, then `-p`. */
function renderOptionsFor(options: CliOptions, rendererName: string): RenderOptions {
  if (options.hide !== undefined && options.hideRegex !== undefined) {
    throw new UserError("You can't specify both --hide and --hide-regex");
  }
  const showUsed = [options.show !== undefined, options.showRegex !== undefined, options.showAll].filter(Boolean);
  if (showUsed.length > 1) throw new UserError("You can only specify one of --show, --show-regex and --show-all");
  const hideRegex = options.hide !== undefined ? fnmatchTranslate(options.hide) : options.hideRegex ?? null;
  const showRegex = options.show !== undefined
    ? fnmatchTranslate(options.show)
    : options.showAll ? ".*" : options.showRegex ?? null;

  const renderOptions: RenderOptions = {};
  if (RENDERERS[rendererName]?.isFrameRenderer) {
    renderOptions.processor_options = { hide_regex: hideRegex, show_regex: showRegex };
  }
  if (rendererName === "text") {
    const toTerminal = options.outfile === undefined && Boolean(process.stdout.isTTY);
    renderOptions.unicode = options.unicode ?? true;
    renderOptions.color = options.color ?? (options.outfile === undefined && colorByDefault(toTerminal));
  }
  if (options.timeline) renderOptions.timeline = true;
  if (options.showAll) renderOptions.show_all = true;
  for (const option of options.renderOptions) applyRenderOption(renderOptions, option);
  return renderOptions;
}

function colorByDefault(toTerminal: boolean): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== "0") return true;
  return toTerminal;
}

function writeOutput(renderer: Renderer, session: Session, outfile: string | undefined): void {
  const chunks = "renderChunks" in renderer
    ? (renderer as SessionRenderer).renderChunks(session)
    : [renderer.render(session)];
  if (outfile !== undefined) writeTextFileAtomic(outfile, chunks);
  else for (const chunk of chunks) process.stdout.write(chunk);
}

function reportError(error: unknown): number {
  if (error instanceof ProgramEndedError) {
    process.stderr.write(`pyinstrument: ${oneLine(error.message)}\n`);
    return error.exitCode || 1;
  }
  if (error instanceof UserError) {
    process.stderr.write(`pyinstrument: error: ${oneLine(error.message)}\n`);
    return 2;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`pyinstrument: internal error: ${oneLine(message)}\n`);
  if (process.env.PYINSTRUMENT_DEBUG) console.error(error);
  return 1;
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, " ");
}

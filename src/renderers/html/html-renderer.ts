import { Buffer } from "node:buffer";
import { deflateRawSync } from "node:zlib";
import { htmlAppScript, htmlAppScriptHash, htmlAppStyle } from "../../../build/html-app.ts";
import type { ProcessorOptions } from "../../processors/processors.ts";
import type { Session } from "../../session/session.ts";
import { VERSION } from "../../version.ts";
import type { Renderer } from "../base.ts";
import { encodePayload, type InitialView, type ReportPayload } from "./payload.ts";

export interface HTMLRendererOptions {
  /** Open with nothing collapsed or filtered out (the page's controls can change it). */
  showAll?: boolean;
  /** Open on the timeline instead of the call tree. */
  timeline?: boolean;
  /** `filter_threshold`, `hide_regex`, `show_regex`: the call tree's initial settings. */
  processorOptions?: ProcessorOptions;
  /**
   * Merge samples into ones at least this long first (pyinstrument's option). Not needed for
   * size here: the page carries a few bytes per sample.
   */
  resampleInterval?: number | null;
  /** Deflate the profile data (default: for more than 2,000 samples). About a third smaller on long profiles. */
  compress?: boolean;
}

/** pyinstrument's HTML page default: frames under 0.1% of the total are left out of the call tree. */
const DEFAULT_THRESHOLD = 0.001;

/**
 * The interactive report: one self-contained HTML file (no network) with the call tree, timeline,
 * flame graph and bottom-up views, built in the page from the session's compact tables.
 */
export class HTMLRenderer implements Renderer {
  readonly outputFileExtension = "html";
  readonly showAll: boolean;
  readonly timeline: boolean;
  readonly processorOptions: ProcessorOptions;
  readonly resampleInterval: number | null;
  readonly compress: boolean | undefined;

  constructor(options: HTMLRendererOptions = {}) {
    this.showAll = options.showAll ?? false;
    this.timeline = options.timeline ?? false;
    this.processorOptions = options.processorOptions ?? {};
    this.resampleInterval = options.resampleInterval ?? null;
    this.compress = options.compress;
  }

  render(session: Session): string {
    return renderPage(this.payload(session));
  }

  /** The page as UTF-8, for sending: its fixed parts (the app, ~80 KB) are encoded only once. */
  renderBytes(session: Session): Uint8Array<ArrayBuffer> {
    return renderPageBytes(this.payload(session));
  }

  private payload(session: Session): ReportPayload {
    const source = this.resampleInterval && this.resampleInterval > 0 ? session.resample(this.resampleInterval) : session;
    return encodePayload({
      metadata: source,
      samples: source.samples,
      shortenPath: (path) => source.shortenPath(path),
      generator: `pyinstrument-js ${VERSION}`,
      initialView: this.initialView(),
      // Small reports are not worth it: the data would shrink by less than the time it saves.
      deflateRaw: this.compress ?? source.recordCount > 2000 ? (bytes) => deflateRawSync(bytes, { level: 6 }) : undefined,
    });
  }

  private initialView(): InitialView {
    const options = this.processorOptions;
    const hideRegex = typeof options.hide_regex === "string" ? options.hide_regex : "";
    const showRegex = typeof options.show_regex === "string" ? options.show_regex : "";
    const threshold = typeof options.filter_threshold === "number" ? options.filter_threshold : DEFAULT_THRESHOLD;
    return {
      view: this.timeline ? "timeline" : "call-tree",
      threshold: this.showAll ? 0 : threshold,
      collapse: this.showAll ? "disabled" : hideRegex || showRegex ? "custom" : "library",
      hideRegex,
      showRegex,
    };
  }
}

/**
 * The page. Profile data goes in a JSON script block that is never executed, with `<`, `>`, `&`
 * and U+2028/9 escaped, so no function name or path can end the block or start markup; the page
 * puts every string into the DOM as text. The content security policy allows only the app's own
 * script (by hash, so inline event handlers never run), WebAssembly, and no network at all.
 */
export function renderPage(payload: ReportPayload): string {
  return pageParts(payload).join("");
}

/** `renderPage` as UTF-8 bytes. */
export function renderPageBytes(payload: ReportPayload): Uint8Array<ArrayBuffer> {
  const parts = pageParts(payload);
  fixedPageBytes ??= parts.filter((_, i) => i % 2 === 0).map((part) => utf8.encode(part));
  const fixed = fixedPageBytes;
  // Buffer.concat: the copy is not zero-filled first, as `new Uint8Array` would be.
  return Buffer.concat(parts.map((part, i) => (i % 2 === 0 ? fixed[i / 2] : utf8.encode(part))));
}

/** The page in parts: those in even places are the same in every report, the others its own. */
function pageParts(payload: ReportPayload): string[] {
  return [
    PAGE_START,
    `<title>${escapeHtml(payload.metadata.targetDescription)} - pyinstrument</title>`,
    PAGE_BEFORE_DATA,
    escapeScriptJson(JSON.stringify(payload)),
    PAGE_AFTER_DATA,
  ];
}

const PAGE_CSP = [
  "default-src 'none'",
  `script-src 'sha256-${htmlAppScriptHash}' 'wasm-unsafe-eval'`,
  "style-src 'unsafe-inline'",
  "img-src data:",
].join("; ");
// The parts that are the same in every report, built once: the app is ~80 KB.
const PAGE_START = [
  "<!DOCTYPE html>\n",
  '<html lang="en"><head><meta charset="utf-8">',
  `<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP}">`,
  '<meta name="viewport" content="width=device-width, initial-scale=1">',
].join("");
const PAGE_BEFORE_DATA = `<style>${htmlAppStyle}</style></head><body><div id="app"></div>\n<script type="application/json" id="pyinstrument-data">`;
const PAGE_AFTER_DATA = `</script>\n<script>${htmlAppScript}</script>\n</body></html>\n`;
const utf8 = new TextEncoder();
let fixedPageBytes: Uint8Array[] | null = null;

const SCRIPT_JSON_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/** JSON text that is safe inside a script element; these characters only occur inside JSON strings. */
export function escapeScriptJson(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (ch) => SCRIPT_JSON_ESCAPES[ch]);
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch]);
}

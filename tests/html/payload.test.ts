// The HTML report without a browser (runs on Node, Deno and Bun): the compact payload decodes to
// exactly the session's tables, the page's pipeline gives the text report's tree, hostile names
// cannot leave the data block, and openInBrowser launches $BROWSER.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { inflateRawSync } from "node:zlib";
import { test } from "uvu";
import * as assert from "uvu/assert";
import type { Frame } from "../../src/frame/frame.ts";
import { ConsoleRenderer } from "../../src/renderers/console.ts";
import { decodeBase64, encodeBase64 } from "../../src/renderers/html/codec.ts";
import { HTMLRenderer, escapeScriptJson } from "../../src/renderers/html/html-renderer.ts";
import { openInBrowser } from "../../src/renderers/html/open.ts";
import { decodePayload, type ReportPayload } from "../../src/renderers/html/payload.ts";
import { ReportSession } from "../../src/renderers/html/app/report-session.ts";
import { callTreeRoot, samplesPerStack } from "../../src/renderers/html/app/pipeline.ts";
import type { Settings } from "../../src/renderers/html/app/state.ts";
import { Session } from "../../src/session/session.ts";
import { syntheticSession } from "./synthetic-session.ts";

const HOSTILE = "</script><img src=x onerror=alert(1)>";

/** The payload embedded in a rendered page, and its data sections (inflated). */
function payloadOf(html: string): { payload: ReportPayload; data: Uint8Array } {
  const match = /<script type="application\/json" id="pyinstrument-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match, "the page has a data block");
  const payload = JSON.parse(match[1]) as ReportPayload;
  const raw = decodeBase64(payload.data);
  return { payload, data: payload.compression === "deflate-raw" ? new Uint8Array(inflateRawSync(raw)) : raw };
}

function pageSession(html: string): ReportSession {
  const { payload, data } = payloadOf(html);
  return new ReportSession(payload.metadata, decodePayload(payload, data), new Map(Object.entries(payload.shortPaths)));
}

function hostileSession(): Session {
  return Session.fromJSON({
    start_time: 1700000000,
    duration: 0.3,
    min_interval: 0.001,
    max_interval: 0.001,
    sample_count: 3,
    start_call_stack: ["MainThread\x00<thread>\x001"],
    target_description: `"><script>alert(2)</script> & \u2028`,
    cpu_time: 0.25,
    sys_path: [],
    sys_prefixes: [],
    frame_records: [
      [["MainThread\x00<thread>\x001", `<module>\x00/app/<b>main</b>.js\x001`, `${HOSTILE}\x00/app/x.js\x007`], 0.2],
      [["MainThread\x00<thread>\x001", `<module>\x00/app/<b>main</b>.js\x001`, "ok\x00/app/x.js\x003\x01l4"], 0.1],
    ],
  });
}

const SETTINGS: Settings = {
  view: "call-tree",
  timeFormat: "seconds",
  threshold: 0.01,
  collapse: "library",
  hideRegex: "",
  showRegex: "",
  removeImportlib: false,
  bottomUpSort: "self",
};

/**
 * A tree as lines of `depth identifier time group`, for comparing trees made different ways. The
 * page leaves out groups of fewer than three frames (as pyinstrument's page does).
 */
function lines(frame: Frame | null): string[] {
  const out: string[] = [];
  const pending: Array<[Frame, number]> = frame ? [[frame, 0]] : [];
  while (pending.length) {
    const [current, depth] = pending.pop()!;
    const grouped = current.group !== null && current.group.frames.length >= 3;
    out.push(`${depth} ${current.identifier.replaceAll("\x00", " ")} ${current.time.toFixed(6)} ${grouped ? "g" : ""}`);
    for (let i = current.children.length - 1; i >= 0; i--) pending.push([current.children[i], depth + 1]);
  }
  return out;
}

test("base64 codec round-trips every length", () => {
  for (let length = 0; length < 40; length++) {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff);
    const text = encodeBase64(bytes);
    assert.is(text, btoa(String.fromCharCode(...bytes)));
    assert.equal([...decodeBase64(text)], [...bytes]);
  }
});

test("payload decodes to the session's exact tables (compressed and not)", () => {
  const session = syntheticSession(20_000, 7);
  for (const compress of [true, false]) {
    const decoded = pageSession(new HTMLRenderer({ compress }).render(session));
    const { frames, stacks, sampleStack, sampleWeight } = session.samples;
    assert.equal(decoded.samples.frames.frameInfos, frames.frameInfos);
    assert.equal([...decoded.samples.stacks.parent.view()], [...stacks.parent.view()]);
    assert.equal([...decoded.samples.stacks.frame.view()], [...stacks.frame.view()]);
    assert.equal([...decoded.samples.sampleStack], [...sampleStack]);
    assert.ok(decoded.samples.sampleWeight.every((w, i) => w === sampleWeight[i]), "weights are bit-identical");
    assert.is(decoded.targetDescription, session.targetDescription);
    assert.is(decoded.shortenPath("/home/user/project/src/app/m0.ts"), "src/app/m0.ts");
  }
});

test("weights that are not whole microseconds are kept exactly", () => {
  const session = hostileSession();
  session.samples.sampleWeight[0] = 0.1 + 0.2;
  session.samples.sampleWeight[1] = Math.PI / 10;
  const decoded = pageSession(new HTMLRenderer().render(session));
  assert.equal([...decoded.samples.sampleWeight], [...session.samples.sampleWeight]);
});

test("a long profile's payload takes a few bytes per sample", () => {
  const session = syntheticSession(200_000, 3);
  const html = new HTMLRenderer().render(session);
  assert.ok(html.length / 200_000 < 6, `${(html.length / 200_000).toFixed(1)} bytes per sample`);
});

test("the page's call tree is the text report's tree", () => {
  const session = syntheticSession(30_000, 11);
  const text = new ConsoleRenderer({ processorOptions: { filter_threshold: 0.01 } });
  const expected = lines(text.preprocess(session));
  const page = pageSession(new HTMLRenderer().render(session));
  const actual = lines(callTreeRoot(page.withSamples(samplesPerStack(page.samples)), SETTINGS));
  assert.is(actual.length, expected.length);
  assert.equal(actual, expected);
});

test("hostile names and descriptions stay inside the data block", () => {
  const html = new HTMLRenderer().render(hostileSession());
  const scripts = html.match(/<script[\s>]/g) ?? [];
  assert.is(scripts.length, 2, "only the data block and the app script");
  assert.not.ok(html.includes(HOSTILE), "the raw name never appears in the page text");
  assert.not.ok(html.includes("<img"), "no markup from data");
  assert.ok(html.includes("<title>&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt; &amp;"), "the title is escaped");
  const decoded = pageSession(html);
  assert.ok(decoded.samples.frames.frameInfos.some((info) => info.startsWith(HOSTILE)), "the name is data, unchanged");
  assert.is(decoded.targetDescription, `"><script>alert(2)</script> & \u2028`);
  assert.is(escapeScriptJson('"</script>&\u2028"'), '"\\u003c/script\\u003e\\u0026\\u2028"');
});

test("the page allows only its own script, WebAssembly and no network", () => {
  const html = new HTMLRenderer().render(hostileSession());
  const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? "";
  assert.match(csp, "default-src 'none'");
  assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval'/);
  assert.not.match(csp, "unsafe-inline' 'wasm");
  assert.not.match(html, /\b(?:src|href)=["']?https?:/);
});

test("options set how the page opens", () => {
  const open = (html: string) => payloadOf(html).payload.initialView;
  assert.equal(open(new HTMLRenderer().render(hostileSession())), {
    view: "call-tree", threshold: 0.001, collapse: "library", hideRegex: "", showRegex: "",
  });
  assert.equal(open(new HTMLRenderer({ timeline: true, showAll: true }).render(hostileSession())), {
    view: "timeline", threshold: 0, collapse: "disabled", hideRegex: "", showRegex: "",
  });
  assert.equal(open(new HTMLRenderer({ processorOptions: { hide_regex: ".*x.*", filter_threshold: 0.05 } }).render(hostileSession())), {
    view: "call-tree", threshold: 0.05, collapse: "custom", hideRegex: ".*x.*", showRegex: "",
  });
});

test("the page as bytes is the page's UTF-8, every time", () => {
  const renderer = new HTMLRenderer();
  const sessions = [hostileSession(), syntheticSession(3000, 3)];
  // Twice over: the second time the page's fixed parts come from what the first one encoded.
  for (const session of [...sessions, ...sessions]) {
    const bytes = renderer.renderBytes(session);
    assert.is(new TextDecoder().decode(bytes), renderer.render(session));
    assert.is(bytes.length, Buffer.byteLength(renderer.render(session)));
  }
});

test("an empty session renders a page", () => {
  const empty = Session.fromJSON({ start_time: 0, duration: 0, sample_count: 0, start_call_stack: [], target_description: "empty", cpu_time: 0, frame_records: [] });
  const decoded = pageSession(new HTMLRenderer().render(empty));
  assert.is(decoded.recordCount, 0);
});

test("openInBrowser launches $BROWSER with the file's URL, and reports a missing browser", async () => {
  if (process.platform === "win32") return;
  const dir = mkdtempSync(join(tmpdir(), "pyi-open-"));
  const saved = process.env.BROWSER;
  try {
    const log = join(dir, "opened.txt");
    const script = join(dir, "fake-browser.sh");
    writeFileSync(script, `#!/bin/sh\necho "$1" > '${log}'\n`);
    chmodSync(script, 0o755);
    process.env.BROWSER = script;
    assert.is(openInBrowser(join(dir, "report.html")), true);
    for (let i = 0; i < 100 && !existsSync(log); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.is(readFileSync(log, "utf8").trim(), `file://${join(dir, "report.html")}`);
    process.env.BROWSER = join(dir, "no-such-browser");
    assert.is(openInBrowser(join(dir, "report.html")), false);
  } finally {
    if (saved === undefined) delete process.env.BROWSER;
    else process.env.BROWSER = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();

/**
 * The HTML report at 100k and 1M samples, beside pyinstrument's approach, in one run:
 *
 *   node --import tsx bench/html.bench.ts [samples ...]      (default: 100000 1000000)
 *
 * - this report: `HTMLRenderer` (compact payload: stack trie + per-sample stack ids and weights);
 * - pyinstrument's approach: the unaggregated (chronological) frame tree as nested JSON, each
 *   node `{"identifier","time","attributes","children"}` as pyinstrument's `frame_tree` is, in a
 *   minimal page that parses it and builds DOM rows for the top levels.
 *
 * For each: render time (session to HTML string), file size, and time to first tree in headless
 * Chromium (navigation start until the first rows are built, by the page's own clock; median of
 * three loads). Sessions come from tests/html/synthetic-session.ts (a busy program's shape).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { chromium } from "playwright-core";
import type { Frame } from "../src/frame/frame.ts";
import { HTMLRenderer } from "../src/renderers/html/html-renderer.ts";
import type { Session } from "../src/session/session.ts";
import { syntheticSession } from "../tests/html/synthetic-session.ts";
// @ts-expect-error: a plain .mjs script without type declarations
import { CHROMIUM, ensureChromium } from "../scripts/ensure-chromium.mjs";

interface Figures {
  renderMs: number;
  bytes: number;
  firstTreeMs: number;
}

/** pyinstrument's `Frame.to_json_str`, iteratively (its own is hand-built to avoid recursion limits too). */
function frameTreeJson(root: Frame): string {
  const out: string[] = [];
  const pending: Array<Frame | "]}" | ","> = [root];
  while (pending.length) {
    const item = pending.pop()!;
    if (item === "]}" || item === ",") {
      out.push(item);
      continue;
    }
    const attributes = JSON.stringify(Object.fromEntries(item.attributes));
    out.push(`{"identifier": ${JSON.stringify(item.identifier)},"time": ${item.time.toFixed(6)},"attributes": ${attributes},"children": [`);
    pending.push("]}");
    const children = item.children;
    for (let i = children.length - 1; i >= 0; i--) {
      pending.push(children[i]);
      if (i > 0) pending.push(",");
    }
  }
  return out.join("");
}

/** A page in the manner of pyinstrument's: the tree inlined as JSON, parsed, top levels drawn. */
function pyinstrumentStylePage(session: Session): string {
  const root = session.rootFrame({ shape: "chronological" });
  const data = JSON.stringify({ session: { target_description: session.targetDescription, duration: session.duration } })
    .replace(/}$/, `,"frame_tree": ${root ? frameTreeJson(root) : "null"}}`)
    .replace(/</g, "\\u003c");
  const app = `
    const data = sessionData;
    const app = document.getElementById("app");
    // pyinstrument's page aggregates client-side before drawing; drawing the first levels of the
    // tree as parsed is a lower bound of its work.
    const pending = data.frame_tree ? [[data.frame_tree, 0]] : [];
    let rows = 0;
    while (pending.length && rows < 200) {
      const [frame, depth] = pending.pop();
      const row = document.createElement("div");
      row.textContent = frame.time.toFixed(3) + " " + frame.identifier.split("\\u0000")[0];
      row.style.paddingLeft = depth * 20 + "px";
      app.append(row);
      rows++;
      if (depth < 6) for (let i = frame.children.length - 1; i >= 0; i--) pending.push([frame.children[i], depth + 1]);
    }
    document.documentElement.dataset.firstTreeMs = performance.now().toFixed(1);`;
  return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><div id="app"></div><script>const sessionData = ${data};${app}</script></body></html>`;
}

async function firstTreeMs(browser: import("playwright-core").Browser, path: string): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`file://${path}`, { waitUntil: "commit", timeout: 180_000 });
    await page.waitForFunction(() => document.documentElement.dataset.firstTreeMs, null, { timeout: 180_000, polling: 20 });
    times.push(Number(await page.evaluate(() => document.documentElement.dataset.firstTreeMs)));
    await context.close();
  }
  return times.sort((a, b) => a - b)[1];
}

async function main(): Promise<void> {
  const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
  const { ok, message } = (ensureChromium as () => { ok: boolean; message: string })();
  if (!ok) throw new Error(message);
  const browser = await chromium.launch({ executablePath: CHROMIUM as string, args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"] });
  const dir = mkdtempSync(join(tmpdir(), "pyi-html-bench-"));
  const rows: string[] = [];
  try {
    for (const count of counts.length ? counts : [100_000, 1_000_000]) {
      const session = syntheticSession(count);
      const measure = async (name: string, render: () => string): Promise<Figures> => {
        const start = performance.now();
        const html = render();
        const renderMs = performance.now() - start;
        const path = join(dir, `${name}-${count}.html`);
        writeFileSync(path, html);
        return { renderMs, bytes: Buffer.byteLength(html), firstTreeMs: await firstTreeMs(browser, path) };
      };
      // A huge page can fail to build (string length limits) or to open (the tab runs out of memory):
      // that is a result too, and is reported as one.
      const attempt = async (name: string, render: () => string): Promise<Figures | string> => {
        try {
          return await measure(name, render);
        } catch (error) {
          return `failed: ${(error instanceof Error ? error.message : String(error)).split("\n")[0].slice(0, 80)}`;
        }
      };
      const ours = await attempt("ours", () => new HTMLRenderer().render(session));
      const theirs = await attempt("pyinstrument", () => pyinstrumentStylePage(session));
      const line = (name: string, f: Figures | string) =>
        typeof f === "string"
          ? `| ${count.toLocaleString("en-US")} | ${name} | ${f} | | |`
          : `| ${count.toLocaleString("en-US")} | ${name} | ${f.renderMs.toFixed(0)} ms | ${(f.bytes / 1e6).toFixed(2)} MB | ${f.firstTreeMs.toFixed(0)} ms |`;
      rows.push(line("this report (compact payload)", ours), line("pyinstrument's approach (nested JSON tree)", theirs));
      console.error(`${count} samples done`);
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log("| samples | page | render | file size | first tree in Chromium |");
  console.log("|---:|---|---:|---:|---:|");
  for (const row of rows) console.log(row);
}

await main();

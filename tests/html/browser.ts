// Helpers for the HTML report's browser tests: Debian's Chromium driven by playwright-core, a
// fresh browser context (own storage) per report, and profiles recorded by each runtime.
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
// @ts-expect-error: a plain .mjs script without type declarations
import { CHROMIUM, ensureChromium } from "../../scripts/ensure-chromium.mjs";

export const REPO = fileURLToPath(new URL("../../", import.meta.url));
export const SCREENSHOTS = join(REPO, "docs", "screenshots");
export const WORK_FIXTURE = join(REPO, "tests", "fixtures", "html", "work.mjs");

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export class ReportBrowser {
  private constructor(private readonly browser: Browser, readonly dir: string) {}

  /** Installs Chromium if needed (apt-get, as root) and starts it with a fresh profile. */
  static async launch(): Promise<ReportBrowser> {
    const { ok, message } = (ensureChromium as () => { ok: boolean; message: string })();
    if (!ok) throw new Error(message);
    // launch() gives every browser a new temporary user-data-dir, removed when it closes.
    const browser = await chromium.launch({ executablePath: CHROMIUM as string, args: ARGS, timeout: 60_000 });
    return new ReportBrowser(browser, mkdtempSync(join(tmpdir(), "pyi-html-")));
  }

  /** Writes the page to a file and opens it in a new context; page errors and dialogs are collected. */
  async open(html: string, name: string, viewport = { width: 1280, height: 720 }): Promise<OpenReport> {
    const path = join(this.dir, `${name}.html`);
    writeFileSync(path, html);
    const context = await this.browser.newContext({ viewport, deviceScaleFactor: 1, locale: "en-US", timezoneId: "UTC" });
    const page = await context.newPage();
    const report: OpenReport = { page, path, errors: [], dialogs: [], requests: [], loadMs: 0 };
    page.on("pageerror", (error) => report.errors.push(error.message));
    page.on("dialog", (dialog) => {
      report.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on("request", (request) => {
      if (!request.url().startsWith("file:")) report.requests.push(request.url());
    });
    const start = Date.now();
    await page.goto(`file://${path}`, { waitUntil: "commit" });
    await page.locator(".frame-row, .empty-message, .fatal-error").first().waitFor({ timeout: 30_000 });
    report.loadMs = Date.now() - start;
    return report;
  }

  async close(): Promise<void> {
    await this.browser.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface OpenReport {
  page: Page;
  path: string;
  errors: string[];
  dialogs: string[];
  requests: string[];
  /** Wall time from navigation until the first call-tree row was in the page. */
  loadMs: number;
}

export type RuntimeName = "node" | "deno" | "bun";

const COMMANDS: Record<RuntimeName, [string, string[]]> = {
  node: [process.execPath, ["--cpu-prof"]],
  deno: [join(REPO, "node_modules", ".bin", "deno"), ["run", "--cpu-prof"]],
  bun: [join(REPO, "node_modules", ".bin", "bun"), ["--cpu-prof"]],
};

/** Runs the fixture under the runtime's own `--cpu-prof` and returns the `.cpuprofile` path. */
export function recordProfile(runtime: RuntimeName, dir: string): Promise<string> {
  const [command, args] = COMMANDS[runtime];
  const out = mkdtempSync(join(dir, `${runtime}-`));
  return new Promise((resolve, reject) => {
    execFile(command, [...args, `--cpu-prof-dir=${out}`, WORK_FIXTURE], { cwd: REPO, timeout: 120_000 }, (error, _stdout, stderr) => {
      if (error) return reject(new Error(`${runtime} --cpu-prof failed: ${error.message}\n${stderr}`));
      const file = readdirSync(out).find((name) => name.endsWith(".cpuprofile"));
      if (!file) return reject(new Error(`${runtime} --cpu-prof wrote no profile in ${out}`));
      resolve(join(out, file));
    });
  });
}

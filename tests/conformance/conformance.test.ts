// Every report pyinstrument 5.1.2 printed for the recorded sessions, reproduced through the CLI
// in-process on whichever runtime runs this file.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { main } from "../../src/cli/main.ts";
import { Session } from "../../src/session/session.ts";

const FIXTURES = new URL("../fixtures/pyinstrument-5.1.2/", import.meta.url).pathname;
const VARIANTS: Record<string, string[]> = {
  default: ["--unicode", "--no-color"],
  ascii: ["--no-unicode", "--no-color"],
  color: ["--unicode", "--color"],
  showall: ["--unicode", "--no-color", "--show-all"],
  percent: ["--unicode", "--no-color", "-p", "time=percent_of_total"],
  flat: ["--unicode", "--no-color", "-p", "flat"],
  flattotal: ["--unicode", "--no-color", "-p", "flat", "-p", "flat_time=total"],
  timeline: ["--unicode", "--no-color", "-t"],
  short: ["--unicode", "--no-color", "-p", "short_mode"],
  thresh0: ["--unicode", "--no-color", "-p", "processor_options.filter_threshold=0"],
  showjson: ["--unicode", "--no-color", "--show-regex", ".*json.*"],
  hidemain: ["--unicode", "--no-color", "-p", "processor_options.hide_regex=.*sorts\\.py"],
};

const workDir = mkdtempSync(join(tmpdir(), "pyinstrument-conformance-"));
const combinedPath = join(workDir, "combined.pyisession");
Session.combine(Session.load(FIXTURES + "sorts.pyisession"), Session.load(FIXTURES + "textproc.pyisession"))
  .save(combinedPath);

const sessions: Record<string, string> = {
  sorts: FIXTURES + "sorts.pyisession",
  textproc: FIXTURES + "textproc.pyisession",
  combined: combinedPath,
};

/** Renders through the CLI into a file and returns its text. */
async function render(sessionPath: string, args: string[]): Promise<string> {
  const out = join(workDir, "out");
  rmSync(out, { force: true });
  const code = await main(["--load", sessionPath, "-o", out, ...args]);
  assert.is(code, 0);
  return readFileSync(out, "utf8");
}

const withoutVersion = (text: string) => text.replace(/^(\/   _\/\s+)v\S+/m, "$1vX");

/** Group ids are random: keep only which frames share a group. */
function normaliseJSON(text: string): unknown {
  const json = JSON.parse(text);
  const ids = new Map<string, number>();
  const walk = (frame: { group_id?: string | number; children?: unknown[] } | null) => {
    if (!frame) return;
    if (typeof frame.group_id === "string") {
      if (!ids.has(frame.group_id)) ids.set(frame.group_id, ids.size);
      frame.group_id = ids.get(frame.group_id);
    }
    for (const child of frame.children ?? []) walk(child as typeof frame);
  };
  walk(json.root_frame);
  if (json.exporter) delete json.exporter;
  return json;
}

for (const [name, path] of Object.entries(sessions)) {
  for (const [variant, args] of Object.entries(VARIANTS)) {
    test(`${name}.${variant} matches pyinstrument 5.1.2 byte for byte`, async () => {
      const expected = readFileSync(`${FIXTURES}expected/${name}.${variant}.txt`, "utf8");
      assert.is(withoutVersion(await render(path, ["-r", "text", ...args])), withoutVersion(expected));
    });
  }
  test(`${name}.json matches pyinstrument 5.1.2`, async () => {
    const expected = readFileSync(`${FIXTURES}expected/${name}.json`, "utf8");
    const actual = await render(path, ["-r", "json"]);
    assert.equal(normaliseJSON(actual), normaliseJSON(expected));
    assert.is(actual.replace(/"group_id": "[^"]*"/g, ""), expected.replace(/"group_id": "[^"]*"/g, ""));
  });
  test(`${name}.speedscope.json matches pyinstrument 5.1.2 byte for byte`, async () => {
    const expected = readFileSync(`${FIXTURES}expected/${name}.speedscope.json`, "utf8");
    assert.is(await render(path, ["-r", "speedscope"]), expected);
  });
}

test("combining the two sessions writes the session pyinstrument wrote, byte for byte", () => {
  assert.is(readFileSync(combinedPath, "utf8"), readFileSync(FIXTURES + "expected/s_combined_expected.pyisession", "utf8"));
});

test("a loaded session saves back byte for byte", async () => {
  for (const name of ["sorts", "textproc"]) {
    const original = readFileSync(`${FIXTURES}${name}.pyisession`, "utf8");
    assert.is(await render(FIXTURES + name + ".pyisession", ["-r", "session"]), original);
  }
});

test.after(() => rmSync(workDir, { recursive: true, force: true }));
test.run();

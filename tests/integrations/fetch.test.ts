// withProfiler around a fetch handler, served by the runtime's own server
// (Deno.serve, Bun.serve, node:http through a small bridge).
import { withProfiler } from "../../src/integrations/fetch.ts";
import { detectRuntime } from "../../src/runtime/detect.ts";
import { fetchApp, syncFetchApp } from "../fixtures/servers/apps.ts";
import { serveFetch } from "../fixtures/servers/serve.ts";
import { serverSuite } from "../fixtures/servers/suite.ts";
import { suite } from "uvu";
import * as assert from "uvu/assert";

const runtime = detectRuntime();
serverSuite(`fetch handler (${runtime})`, (options) => serveFetch(options ? withProfiler(fetchApp, options) : fetchApp));

const api = suite(`withProfiler (${runtime})`);
api("returns the handler itself unless enabled", () => {
  assert.is(withProfiler(fetchApp), fetchApp);
  assert.is(withProfiler(fetchApp, { enabled: false, profileDir: "x" }), fetchApp);
  assert.is.not(withProfiler(fetchApp, { enabled: true }), fetchApp);
});
api("wraps synchronous handlers", async () => {
  const handler = withProfiler(syncFetchApp, { enabled: true });
  const plain = await handler(new Request("http://x/a?ms=1"));
  assert.is(await plain.text(), "sync /a");
  const shown = await handler(new Request("http://x/a?ms=30&profile"));
  assert.match(await shown.text(), /"(busyLoop|busyHandlerWork)"/);
});
api.run();

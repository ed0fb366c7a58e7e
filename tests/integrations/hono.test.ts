// Hono with the profiler middleware, on the runtime's own server.
import { Hono } from "hono";
import { profiler } from "../../src/integrations/hono.ts";
import { detectRuntime } from "../../src/runtime/detect.ts";
import { busyHandlerWork, failingHandlerWork, streamingBody, waitingWork } from "../fixtures/servers/apps.ts";
import { serveFetch } from "../fixtures/servers/serve.ts";
import { serverSuite } from "../fixtures/servers/suite.ts";
import type { WebProfilerOptions } from "../../src/integrations/core.ts";

// deno-lint-ignore no-explicit-any
export function honoApp(options: WebProfilerOptions<any> | null): Hono {
  const app = new Hono();
  if (options) app.use(profiler(options));
  app.onError((_error, c) => c.text("Internal Server Error", 500));
  app.get("/fail", () => failingHandlerWork(30));
  app.get("/stream", () => new Response(streamingBody(3, 10), { headers: { "content-type": "text/plain", "x-app": "1" } }));
  app.get("/wait", async (c) => {
    await waitingWork(Number(c.req.query("ms") ?? 100));
    return c.text("waited", 200, { "x-app": "1" });
  });
  app.get("/async", async (c) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    busyHandlerWork(60);
    return c.text("async done", 200, { "x-app": "1" });
  });
  app.get("*", (c) => {
    busyHandlerWork(Number(c.req.query("ms") ?? 40));
    return c.text(`hello ${c.req.path}`, 200, { "x-app": "1" });
  });
  return app;
}

serverSuite(`hono (${detectRuntime()})`, (options) => serveFetch(honoApp(options).fetch));

// Express with the profiler middleware, on Node (the issue names Express for Node).
import { createServer } from "node:http";
import { suite } from "uvu";
import express from "express";
import { profiler } from "../../src/integrations/express.ts";
import { busyHandlerWork, failingHandlerWork, streamingBody, waitingWork } from "../fixtures/servers/apps.ts";
import { listen } from "../fixtures/servers/serve.ts";
import { serverSuite } from "../fixtures/servers/suite.ts";
import { detectRuntime } from "../../src/runtime/detect.ts";
import type { WebProfilerOptions } from "../../src/integrations/core.ts";

const runtime = detectRuntime();
if (runtime !== "node") {
  const skipped = suite(`express (${runtime})`);
  skipped.skip("skipped: Express is tested on Node only", () => {});
  skipped.run();
} else {

  // deno-lint-ignore no-explicit-any
  const expressApp = (options: WebProfilerOptions<any> | null) => {
    const app = express();
    if (options) app.use(profiler(options));
    app.get("/fail", () => failingHandlerWork(30));
    app.get("/stream", async (_req, res) => {
      res.set({ "content-type": "text/plain", "x-app": "1" });
      for await (const chunk of streamingBody(3, 10) as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
      res.end();
    });
    app.get("/wait", async (req, res) => {
      await waitingWork(Number(req.query.ms ?? 100));
      res.set("x-app", "1").send("waited");
    });
    app.get("/async", async (_req, res) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      busyHandlerWork(60);
      res.set("x-app", "1").send("async done");
    });
    app.use((req, res) => {
      busyHandlerWork(Number(req.query.ms ?? 40));
      res.set("x-app", "1").type("text/plain").send(`hello ${req.path}`);
    });
    // deno-lint-ignore no-explicit-any
    app.use((_error: unknown, _req: any, res: any, _next: any) => res.status(500).type("text/plain").send("Internal Server Error"));
    return app;
  };
  serverSuite("express (node)", (options) => listen(createServer(expressApp(options))));
}

// Fastify with the profiler plugin, on Node (the issue names Fastify for Node).
import { suite } from "uvu";
import Fastify from "fastify";
import { profiler } from "../../src/integrations/fastify.ts";
import { busyHandlerWork, failingHandlerWork, streamingBody, waitingWork } from "../fixtures/servers/apps.ts";
import { serverSuite } from "../fixtures/servers/suite.ts";
import { Readable } from "node:stream";
import { detectRuntime } from "../../src/runtime/detect.ts";
import type { WebProfilerOptions } from "../../src/integrations/core.ts";

const runtime = detectRuntime();
if (runtime !== "node") {
  const skipped = suite(`fastify (${runtime})`);
  skipped.skip("skipped: Fastify is tested on Node only", () => {});
  skipped.run();
} else {

  // deno-lint-ignore no-explicit-any
  const start = async (options: WebProfilerOptions<any> | null) => {
    const app = Fastify({ logger: false });
    if (options) await app.register(profiler, options);
    app.setErrorHandler((_error, _request, reply) => void reply.code(500).type("text/plain").send("Internal Server Error"));
    app.get("/fail", () => failingHandlerWork(30));
    app.get("/stream", (_request, reply) => {
      reply.header("x-app", "1").type("text/plain");
      return reply.send(Readable.fromWeb(streamingBody(3, 10) as never));
    });
    app.get("/wait", async (request, reply) => {
      await waitingWork(Number((request.query as { ms?: string }).ms ?? 100));
      return reply.header("x-app", "1").type("text/plain").send("waited");
    });
    app.get("/async", async (_request, reply) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      busyHandlerWork(60);
      return reply.header("x-app", "1").type("text/plain").send("async done");
    });
    app.get("/*", (request, reply) => {
      busyHandlerWork(Number((request.query as { ms?: string }).ms ?? 40));
      return reply.header("x-app", "1").type("text/plain").send(`hello ${request.url.split("?")[0]}`);
    });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address() as { port: number };
    return { url: `http://127.0.0.1:${address.port}`, close: () => app.close() };
  };
  serverSuite("fastify (node)", start);
}

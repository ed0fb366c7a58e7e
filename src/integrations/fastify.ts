// Fastify plugin: `await app.register(profiler, { enabled: true })`. Typed structurally, so this
// package doesn't depend on Fastify. The plugin is not encapsulated (as fastify-plugin would
// mark it): its hooks see every route of the app it is registered on.
import { busyHeaders, htmlHeaders, type Recording, WebProfiler, type WebProfilerOptions } from "./core.ts";

export type { FilenameInfo, RendererName, WebProfilerOptions } from "./core.ts";

/** The parts of Fastify's request, reply and instance the plugin uses. */
export interface FastifyRequestLike {
  method: string;
  url: string;
  raw: { url?: string };
}
export interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  header(name: string, value: string): FastifyReplyLike;
  removeHeader(name: string): FastifyReplyLike;
  send(payload?: unknown): FastifyReplyLike;
}
export interface FastifyInstanceLike {
  // deno-lint-ignore no-explicit-any
  addHook(name: string, hook: (...args: any[]) => unknown): unknown;
}

const BODY_HEADERS = ["content-length", "content-encoding", "content-type", "content-range", "content-disposition", "etag", "last-modified", "transfer-encoding", "content-security-policy"];

/**
 * The plugin. Once `enabled` (a boolean, or a function of the Fastify request), `?profile`
 * answers with the request's HTML profile and `profileDir` saves a profile of every request,
 * taken from `onRequest` until the response is sent (`onResponse`). Errors are handled by Fastify
 * as usual (unchanged response) and their profiles are saved.
 *
 *     await app.register(profiler, { enabled: process.env.PROFILE === "1" });
 */
export function profiler<R extends FastifyRequestLike = FastifyRequestLike>(
  fastify: FastifyInstanceLike,
  options: WebProfilerOptions<R>,
  done?: (error?: Error) => void,
): void {
  const web = new WebProfiler<R>(options ?? {});
  if (!web.off) addHooks(fastify, web);
  done?.();
}
// fastify-plugin's markers, without depending on it: don't encapsulate, and a name for errors.
Object.assign(profiler, {
  [Symbol.for("skip-override")]: true,
  [Symbol.for("fastify.display-name")]: "pyinstrument",
  [Symbol.for("plugin-meta")]: { name: "pyinstrument", fastify: ">=4" },
});

export type BoundFastifyPlugin = (fastify: FastifyInstanceLike, options: unknown, done?: (error?: Error) => void) => unknown;

/** The plugin with its options bound: `app.register(fastifyProfiler({ enabled: true }))`. */
export function fastifyProfiler<R extends FastifyRequestLike = FastifyRequestLike>(
  options: WebProfilerOptions<R> = {},
): BoundFastifyPlugin {
  const plugin: BoundFastifyPlugin = (fastify, _ignored, done) => profiler(fastify, options, done);
  return Object.assign(plugin, {
    [Symbol.for("skip-override")]: true,
    [Symbol.for("fastify.display-name")]: "pyinstrument",
  });
}

function addHooks<R extends FastifyRequestLike>(fastify: FastifyInstanceLike, web: WebProfiler<R>): void {
  const recordings = new WeakMap<object, Recording>();

  fastify.addHook("onRequest", async (request: R, reply: FastifyReplyLike) => {
    const plan = await web.plan(request, request.method, request.raw.url ?? request.url);
    if (plan === null) return;
    const started = await web.start(plan);
    if (started === null) return;
    if ("busy" in started) {
      reply.code(503);
      for (const [name, value] of Object.entries(busyHeaders())) reply.header(name, value);
      return reply.send(started.busy);
    }
    recordings.set(request, started);
  });

  fastify.addHook("onSend", async (request: R, reply: FastifyReplyLike, payload: unknown) => {
    const recording = recordings.get(request);
    if (!recording?.plan.show) return payload;
    recordings.delete(request);
    await drain(payload);
    const { page } = await web.finish(recording);
    for (const name of BODY_HEADERS) reply.removeHeader(name);
    reply.code(200);
    for (const [name, value] of Object.entries(htmlHeaders())) reply.header(name, value);
    // Fastify sends strings, Buffers and streams: a Buffer over the same memory.
    return Buffer.from(page!.buffer, page!.byteOffset, page!.byteLength);
  });

  const finish = async (request: R) => {
    const recording = recordings.get(request);
    if (!recording) return;
    recordings.delete(request);
    web.finishInBackground(recording);
  };
  fastify.addHook("onResponse", finish);
  fastify.addHook("onRequestAbort", finish);
}

/** Reads a streamed payload to its end, so the work that produces it is in the profile. */
async function drain(payload: unknown): Promise<void> {
  if (payload && typeof (payload as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    try {
      for await (const _chunk of payload as AsyncIterable<unknown>) { /* discarded */ }
    } catch {
      // a failing stream still ends the profile
    }
  }
}

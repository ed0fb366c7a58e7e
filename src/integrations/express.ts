// Express middleware: `app.use(profiler({ enabled: true }))`, first, before the routes. Typed
// structurally, so this package doesn't depend on Express; works on Express 4 and 5 and on plain
// `node:http` style (req, res, next) stacks such as Connect.
import type { IncomingMessage, ServerResponse } from "node:http";
import { busyHeaders, htmlHeaders, type Recording, WebProfiler, type WebProfilerOptions } from "./core.ts";

export type { FilenameInfo, RendererName, WebProfilerOptions } from "./core.ts";

type Req = IncomingMessage & { originalUrl?: string };
// deno-lint-ignore no-explicit-any
export type ExpressMiddleware = (req: any, res: any, next: (error?: unknown) => void) => void;

/** Headers that describe the replaced body, dropped when the report takes its place. */
const BODY_HEADERS = ["content-length", "content-encoding", "content-type", "content-range", "content-disposition", "etag", "last-modified", "transfer-encoding", "content-security-policy"];

/**
 * Express middleware: once `enabled` (a boolean, or a function of the request), `?profile`
 * answers with the request's HTML profile instead of its response, and `profileDir` saves a
 * profile of every request, taken from this middleware until the response has been sent. Errors
 * go to Express's error handling as usual; their response is unchanged and the profile is saved.
 *
 *     app.use(profiler({ enabled: process.env.PROFILE === "1" }));
 */
export function profiler<R extends Req = Req>(options: WebProfilerOptions<R> = {}): ExpressMiddleware {
  const web = new WebProfiler<R>(options);
  if (web.off) return (_req, _res, next) => next();
  return function pyinstrumentProfiler(req: R, res: ServerResponse, next: (error?: unknown) => void): void {
    const plan = web.plan(req, req.method ?? "GET", req.originalUrl ?? req.url ?? "/");
    if (plan === null) return next();
    void (async () => {
      const decided = await plan;
      if (decided === null) return next();
      const started = await web.start(decided);
      if (started === null) return next();
      if ("busy" in started) {
        res.writeHead(503, busyHeaders()).end(started.busy);
        return;
      }
      if (decided.show) replaceResponse(web, started, res);
      else {
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          web.finishInBackground(started);
        };
        res.once("finish", finish);
        res.once("close", finish);
      }
      next();
    })().catch(next);
  };
}

/** Swallows what the app writes and, when it ends the response, sends the profile instead. */
function replaceResponse(web: WebProfiler<never>, recording: Recording, res: ServerResponse): void {
  const original = { write: res.write, end: res.end, writeHead: res.writeHead };
  let ended = false;
  const restore = () => Object.assign(res, original);
  res.writeHead = function (this: ServerResponse) {
    return this;
  } as typeof res.writeHead;
  res.write = function (_chunk: unknown, encoding?: unknown, callback?: unknown) {
    const cb = typeof encoding === "function" ? encoding : callback;
    if (typeof cb === "function") queueMicrotask(cb as () => void);
    return true;
  } as typeof res.write;
  res.end = function (this: ServerResponse, chunk?: unknown, encoding?: unknown, callback?: unknown) {
    if (ended) return this;
    ended = true;
    const cb = [chunk, encoding, callback].find((value) => typeof value === "function") as (() => void) | undefined;
    web.finish(recording).then(
      ({ page }) => {
        restore();
        if (res.headersSent) return void res.end(cb);
        for (const name of BODY_HEADERS) res.removeHeader(name);
        res.statusCode = 200;
        res.statusMessage = "OK";
        res.writeHead(200, htmlHeaders());
        res.end(page, cb);
      },
      (error) => {
        restore();
        res.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
    return this;
  } as typeof res.end;
}

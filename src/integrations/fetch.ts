// `withProfiler(handler, options)`: profiles requests of any fetch-style handler
// (`(request) => Response`), as used by `Deno.serve`, `Bun.serve`, Hono's `app.fetch` and others.
import { busyHeaders, htmlHeaders, type Recording, WebProfiler, type WebProfilerOptions } from "./core.ts";

export type { FilenameInfo, RendererName, WebProfilerOptions } from "./core.ts";
export { DEFAULT_FILENAME } from "./core.ts";

// deno-lint-ignore no-explicit-any
type FetchHandler = (request: Request, ...rest: any[]) => Response | Promise<Response>;

/**
 * Wraps a fetch handler so that, once `enabled`, `?profile` on a URL answers with the request's
 * HTML profile and `profileDir` saves a profile of every request. With `enabled` false (the
 * default) it returns the handler itself.
 *
 *     Deno.serve(withProfiler(handler, { enabled: Deno.env.get("PROFILE") === "1" }));
 */
export function withProfiler<H extends FetchHandler>(handler: H, options: WebProfilerOptions<Request> = {}): H {
  const web = new WebProfiler<Request>(options);
  if (web.off) return handler;
  const wrapped = function (this: unknown, request: Request, ...rest: unknown[]): Response | Promise<Response> {
    const plan = web.plan(request, request.method, request.url);
    if (plan === null) return handler.call(this, request, ...rest);
    return (async () => {
      const decided = await plan;
      if (decided === null) return handler.call(this, request, ...rest);
      const started = await web.start(decided);
      if (started === null) return handler.call(this, request, ...rest);
      if ("busy" in started) return new Response(started.busy, { status: 503, headers: busyHeaders() });
      return await profiledCall(web, started, () => handler.call(this, request, ...rest));
    })();
  };
  Object.defineProperty(wrapped, "name", { value: handler.name || "withProfiler" });
  return wrapped as H;
}

/**
 * Runs a profiled handler. For `?profile` the body is read to its end inside the profile (so a
 * streaming handler's work is in it) and the report is the response. Otherwise the profile covers
 * the handler until its Response is ready (as pyinstrument's Django middleware does), is saved in
 * the background, and the response, or the thrown error, goes on unchanged.
 */
export async function profiledCall(
  web: WebProfiler<Request>,
  recording: Recording,
  call: () => Response | Promise<Response>,
): Promise<Response> {
  let response: Response | undefined;
  let failed = false;
  let error: unknown;
  try {
    response = await call();
  } catch (thrown) {
    failed = true;
    error = thrown;
  }
  if (recording.plan.show) {
    if (response?.body && !response.bodyUsed) await response.arrayBuffer().catch(() => {});
    const { page } = await web.finish(recording);
    return new Response(page, { status: 200, headers: htmlHeaders() });
  }
  web.finishInBackground(recording);
  if (failed) throw error;
  return response!;
}

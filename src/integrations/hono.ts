// Hono middleware: `app.use(profiler({ enabled: true }))`. Typed structurally, so this package
// doesn't depend on Hono.
import { busyHeaders, htmlHeaders, WebProfiler, type WebProfilerOptions } from "./core.ts";

export type { FilenameInfo, RendererName, WebProfilerOptions } from "./core.ts";

/** The part of Hono's `Context` the middleware uses. */
export interface HonoContextLike {
  req: { raw: Request; method: string; url: string };
  res: Response | undefined;
  error?: unknown;
}

// deno-lint-ignore no-explicit-any
export type HonoMiddleware = (c: any, next: () => Promise<void>) => Promise<Response | void>;

/**
 * Hono middleware: once `enabled` (a boolean, or a function of the Hono context), `?profile`
 * answers with the request's HTML profile and `profileDir` saves a profile of every request.
 * Errors are handled by Hono (`app.onError`) inside the profile, so their response is unchanged
 * and their profile is saved.
 *
 *     app.use(profiler({ enabled: process.env.PROFILE === "1" }));
 */
export function profiler<C extends HonoContextLike = HonoContextLike>(options: WebProfilerOptions<C> = {}): HonoMiddleware {
  const web = new WebProfiler<C>(options);
  if (web.off) return (_c, next) => next();
  return async function pyinstrumentProfiler(c: C, next: () => Promise<void>): Promise<Response | void> {
    const plan = await web.plan(c, c.req.method, c.req.url);
    if (plan === null) return next();
    const started = await web.start(plan);
    if (started === null) return next();
    if ("busy" in started) return new Response(started.busy, { status: 503, headers: busyHeaders() });
    try {
      await next();
    } catch (error) {
      // Only when nothing below handled it (Hono's compose normally does).
      if (!plan.show) {
        web.finishInBackground(started);
        throw error;
      }
    }
    if (!plan.show) {
      web.finishInBackground(started);
      return;
    }
    const body = c.res?.body;
    if (body && !c.res!.bodyUsed) await c.res!.arrayBuffer().catch(() => {});
    const { page } = await web.finish(started);
    c.res = undefined; // so Hono doesn't copy the old response's headers (content-length) over
    c.res = new Response(page, { status: 200, headers: htmlHeaders() });
  };
}

import { serializeCpuprofile } from "../session/export/cpuprofile.ts";
import type { Session } from "../session/session.ts";
import type { Renderer } from "./base.ts";

/** A Chrome `.cpuprofile`, which Chrome DevTools and speedscope open. */
export class CpuprofileRenderer implements Renderer {
  readonly outputFileExtension = "cpuprofile";

  render(session: Session): string {
    return serializeCpuprofile(session);
  }
}

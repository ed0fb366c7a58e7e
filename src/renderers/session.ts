import { serializePyisession } from "../session/export/pyisession.ts";
import type { Session } from "../session/session.ts";
import type { Renderer } from "./base.ts";

/** The session itself, as a `.pyisession` file that this tool and pyinstrument both load. */
export class SessionRenderer implements Renderer {
  readonly outputFileExtension = "pyisession";

  render(session: Session): string {
    return serializePyisession(session).join("");
  }

  /** The same text in chunks, for writing large sessions without one giant string. */
  renderChunks(session: Session): string[] {
    return serializePyisession(session);
  }
}

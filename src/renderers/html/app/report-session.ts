import type { SampleData } from "../../../session/samples.ts";
import { Session, type SessionMetadata } from "../../../session/session.ts";
import { decodeBase64 as decodeBase64Portable } from "../codec.ts";
import { decodePayload, type ReportPayload } from "../payload.ts";

/**
 * The session the page rebuilds from its payload: the same tables the renderer had. Paths are
 * shortened as they were where the report was made (that depends on its working directory and
 * search paths), so the page shows exactly the text report's paths.
 */
export class ReportSession extends Session {
  private readonly shortPaths: ReadonlyMap<string, string>;

  constructor(metadata: SessionMetadata, samples: SampleData, shortPaths: ReadonlyMap<string, string>) {
    super(metadata, samples);
    this.shortPaths = shortPaths;
  }

  override shortenPath(path: string): string {
    return this.shortPaths.get(path) ?? path;
  }

  /** The same session over other samples (the same frames, e.g. with some frames taken out). */
  withSamples(samples: SampleData): ReportSession {
    return new ReportSession(this, samples, this.shortPaths);
  }

  /** Digits after the point for times, as the text report picks them from the interval. */
  get precision(): number {
    return Math.max(0, Math.ceil(-Math.log10(Math.min(Math.max(1e-9, this.maxInterval), 1))));
  }
}

/** Rebuilds the session: base64, then inflate (the browser's own, in a stream) if the data is compressed. */
export async function decodeReport(payload: ReportPayload): Promise<ReportSession> {
  let data = decodeBase64(payload.data);
  if (payload.compression === "deflate-raw") data = await inflateRaw(data);
  return new ReportSession(payload.metadata, decodePayload(payload, data), new Map(Object.entries(payload.shortPaths)));
}

async function inflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  if (typeof DecompressionStream !== "function") {
    throw new Error("this browser cannot decompress the report's data (it has no DecompressionStream); open it in a current browser");
  }
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Native base64 decoding where the browser has it (much faster on megabytes), else the shared codec. */
function decodeBase64(text: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromBase64?: (text: string) => Uint8Array }).fromBase64;
  return native ? native(text) : decodeBase64Portable(text);
}

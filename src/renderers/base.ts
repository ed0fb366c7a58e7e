import type { Frame } from "../frame/frame.ts";
import { processSession } from "../processors/plan.ts";
import {
  groupLibraryFrames,
  type Processor,
  type ProcessorOptions,
  aggregateRepeatedCalls,
  removeImportlib,
  removeIrrelevantNodes,
  removeTracebackhide,
} from "../processors/processors.ts";
import type { Session } from "../session/session.ts";

/** Turns a session into text: a report, or a file in some format. */
export interface Renderer {
  /** File extension of the output, without the dot. */
  readonly outputFileExtension: string;
  render(session: Session): string;
}

/** A renderer option that makes no sense, or a combination of options that conflict. */
export class MisconfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MisconfigurationError";
  }
}

export interface FrameRendererOptions {
  /** Don't hide or filter frames: show everything that was captured. */
  showAll?: boolean;
  /** Keep samples in chronological order instead of adding up repeated calls. */
  timeline?: boolean;
  processorOptions?: ProcessorOptions;
}

/** A renderer that runs the frame tree through a list of processors before rendering. */
export abstract class FrameRenderer implements Renderer {
  abstract readonly outputFileExtension: string;
  /** The processors, in order; mutable so callers can add or remove steps before rendering. */
  processors: Processor[];
  processorOptions: ProcessorOptions;
  readonly showAll: boolean;
  readonly timeline: boolean;

  constructor(options: FrameRendererOptions = {}) {
    this.processors = this.defaultProcessors();
    this.processorOptions = options.processorOptions ?? {};
    this.showAll = options.showAll ?? false;
    this.timeline = options.timeline ?? false;
    if (this.showAll) {
      this.removeProcessors(groupLibraryFrames, removeImportlib, removeIrrelevantNodes, removeTracebackhide);
    }
    if (this.timeline) this.removeProcessors(aggregateRepeatedCalls);
  }

  abstract defaultProcessors(): Processor[];

  abstract render(session: Session): string;

  /** The session's tree after every processor has run. */
  preprocess(session: Session): Frame | null {
    return processSession(session, this.processors, this.processorOptions);
  }

  private removeProcessors(...unwanted: Processor[]): void {
    this.processors = this.processors.filter((p) => !unwanted.includes(p));
  }
}

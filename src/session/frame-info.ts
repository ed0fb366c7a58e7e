// Frame-info strings, pyinstrument's wire format for one stack frame:
// `function\x00file\x00line` followed by optional attributes, each introduced by `\x01`
// (`l<line>` current line, `c<Class>` class name, `h1` hidden from tracebacks).

export const IDENTIFIER_SEP = "\x00";
export const ATTRIBUTES_SEP = "\x01";
export const ATTRIBUTE_MARKER_CLASS_NAME = "c";
export const ATTRIBUTE_MARKER_LINE_NUMBER = "l";
export const ATTRIBUTE_MARKER_TRACEBACKHIDE = "h";

export const AWAIT_FRAME_IDENTIFIER = "[await]";
export const SELF_TIME_FRAME_IDENTIFIER = "[self]";
export const OUT_OF_CONTEXT_FRAME_IDENTIFIER = "[out-of-context]";
export const DUMMY_ROOT_FRAME_IDENTIFIER = "[root]";
/** Runtimes report these: time idle, in the garbage collector, and in native code outside JavaScript. */
export const IDLE_FRAME_IDENTIFIER = "[idle]";
export const GC_FRAME_IDENTIFIER = "[gc]";
export const NATIVE_FRAME_IDENTIFIER = "[native]";

export const SYNTHETIC_FRAME_IDENTIFIERS: ReadonlySet<string> = new Set([
  AWAIT_FRAME_IDENTIFIER,
  SELF_TIME_FRAME_IDENTIFIER,
  OUT_OF_CONTEXT_FRAME_IDENTIFIER,
  DUMMY_ROOT_FRAME_IDENTIFIER,
  IDLE_FRAME_IDENTIFIER,
  GC_FRAME_IDENTIFIER,
  NATIVE_FRAME_IDENTIFIER,
]);

/** Synthetic frames that never have children, so their time is not the sum of children's. */
export const SYNTHETIC_LEAF_IDENTIFIERS: ReadonlySet<string> = new Set([
  AWAIT_FRAME_IDENTIFIER,
  SELF_TIME_FRAME_IDENTIFIER,
  OUT_OF_CONTEXT_FRAME_IDENTIFIER,
  IDLE_FRAME_IDENTIFIER,
  GC_FRAME_IDENTIFIER,
  NATIVE_FRAME_IDENTIFIER,
]);

export function frameInfoIdentifier(frameInfo: string): string {
  const index = frameInfo.indexOf(ATTRIBUTES_SEP);
  return index === -1 ? frameInfo : frameInfo.slice(0, index);
}

export function frameInfoAttributes(frameInfo: string): string[] {
  const index = frameInfo.indexOf(ATTRIBUTES_SEP);
  return index === -1 ? [] : frameInfo.slice(index + 1).split(ATTRIBUTES_SEP);
}

export function makeIdentifier(functionName: string, filePath: string, lineNo: number): string {
  return `${functionName}${IDENTIFIER_SEP}${filePath}${IDENTIFIER_SEP}${lineNo}`;
}

// Number and string formatting that reproduces Python's, so that files and reports written here are
// byte-identical to the ones pyinstrument writes.

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const [mantissa, exponentText] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  const sign = negative ? "-" : "";
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const expSign = exponent < 0 ? "-" : "+";
    return `${sign}${fraction}e${expSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
  const intLength = exponent + 1;
  if (digits.length <= intLength) return `${sign}${digits}${"0".repeat(intLength - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLength)}.${digits.slice(intLength)}`;
}

/** Python's `"%.Nf" % value`: exact ties round half to even, as C's printf does (JS rounds them up). */
export function pyFixed(value: number, precision: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
  const text = value.toFixed(precision);
  const exact = value.toFixed(Math.min(100, precision + 60));
  const rest = exact.slice(exact.length - 60);
  if (rest[0] !== "5" || !/^50*$/.test(rest)) return text;
  // An exact tie: keep the even neighbour.
  const truncated = exact.slice(0, exact.length - 60).replace(/\.$/, "");
  const lastDigit = Number(truncated[truncated.length - 1]);
  return lastDigit % 2 === 0 ? truncated : text;
}

/** Python's `json.encoder.encode_basestring_ascii` (the `json.dumps` default, ensure_ascii=True). */
export function pyJsonString(text: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code < 0x7f && code !== 0x22 && code !== 0x5c) continue;
    out += text.slice(start, i) + escapeChar(code, true);
    start = i + 1;
  }
  return out + text.slice(start) + '"';
}

/** Python's `json.encoder.encode_basestring` (ensure_ascii=False), used by pyinstrument's JSON renderer. */
export function pyJsonStringUnicode(text: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x20 && code !== 0x22 && code !== 0x5c) continue;
    out += text.slice(start, i) + escapeChar(code, false);
    start = i + 1;
  }
  return out + text.slice(start) + '"';
}

function escapeChar(code: number, ascii: boolean): string {
  switch (code) {
    case 0x22: return '\\"';
    case 0x5c: return "\\\\";
    case 0x0a: return "\\n";
    case 0x0d: return "\\r";
    case 0x09: return "\\t";
    case 0x08: return "\\b";
    case 0x0c: return "\\f";
  }
  if (!ascii && code >= 0x20) return String.fromCharCode(code);
  return "\\u" + code.toString(16).padStart(4, "0");
}

/** A JSON value as Python's `json.dumps` writes it with default separators. */
export type PyJsonValue = string | number | boolean | null | PyFloat | PyJsonValue[] | { [key: string]: PyJsonValue };

/** Marks a number that Python holds as a float (written `1.0`, not `1`). */
export class PyFloat {
  constructor(readonly value: number) {}
}

export function pyJsonDumps(value: PyJsonValue): string {
  const parts: string[] = [];
  writeJson(value, parts);
  return parts.join("");
}

function writeJson(value: PyJsonValue, out: string[]): void {
  if (value === null) out.push("null");
  else if (typeof value === "string") out.push(pyJsonString(value));
  else if (typeof value === "boolean") out.push(value ? "true" : "false");
  else if (typeof value === "number") out.push(Number.isInteger(value) ? String(value) : pyFloatRepr(value));
  else if (value instanceof PyFloat) out.push(pyFloatRepr(value.value));
  else if (Array.isArray(value)) {
    out.push("[");
    for (let i = 0; i < value.length; i++) {
      if (i) out.push(", ");
      writeJson(value[i], out);
    }
    out.push("]");
  } else {
    out.push("{");
    let first = true;
    for (const key of Object.keys(value)) {
      if (!first) out.push(", ");
      first = false;
      out.push(pyJsonString(key), ": ");
      writeJson(value[key], out);
    }
    out.push("}");
  }
}

/** `time.strftime` for the few formats pyinstrument uses, in local time. */
export function pyStrftime(format: "%X" | "%Y-%m-%dT%H-%M-%S", epochSeconds: number): string {
  const date = new Date(epochSeconds * 1000);
  const two = (n: number) => String(n).padStart(2, "0");
  const clock = [two(date.getHours()), two(date.getMinutes()), two(date.getSeconds())];
  if (format === "%X") return clock.join(":");
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${clock.join("-")}`;
}

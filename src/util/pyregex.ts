// Path patterns are written in Python's regex syntax (they come from pyinstrument options and
// saved configurations) and matched as `re.match` does: anchored at the start only.

const cache = new Map<string, (text: string) => boolean>();

/** A tester equivalent to Python's `re.match(source, text) is not None`. Throws on a bad pattern. */
export function pythonRegexMatcher(source: string): (text: string) => boolean {
  let matcher = cache.get(source);
  if (!matcher) {
    const { pattern, flags } = translatePythonRegex(source);
    const regex = new RegExp(pattern, flags + "y");
    matcher = (text: string) => {
      regex.lastIndex = 0;
      return regex.test(text);
    };
    cache.set(source, matcher);
  }
  return matcher;
}

/** Rewrites the Python-only parts of a pattern into JavaScript regex syntax. */
export function translatePythonRegex(source: string): { pattern: string; flags: string } {
  let flags = "";
  let body = source;
  const leading = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (leading) {
    flags = pythonFlags(leading[1]);
    body = body.slice(leading[0].length);
  }
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "\\") {
      const next = body[i + 1];
      if (next === "Z") out += "$(?![\\s\\S])";
      else if (next === "A") out += "^";
      else out += ch + (next ?? "");
      i++;
    } else if (ch === "[") {
      // Copy a character class verbatim; Python and JS agree inside it for these purposes.
      let j = i + 1;
      if (body[j] === "^") j++;
      if (body[j] === "]") j++;
      while (j < body.length && body[j] !== "]") j += body[j] === "\\" ? 2 : 1;
      out += body.slice(i, j + 1);
      i = j;
    } else if (body.startsWith("(?P<", i)) {
      out += "(?<";
      i += 3;
    } else if (body.startsWith("(?P=", i)) {
      const end = body.indexOf(")", i);
      out += `\\k<${body.slice(i + 4, end)}>`;
      i = end;
    } else if (/^\(\?[aiLmsux]+:/.test(body.slice(i, i + 10))) {
      // Scoped flags, as fnmatch.translate writes `(?s:...)`: dotall is the only one that
      // changes a path match, and it applies to the whole pattern here.
      const colon = body.indexOf(":", i);
      if (body.slice(i + 2, colon).includes("s") && !flags.includes("s")) flags += "s";
      if (body.slice(i + 2, colon).includes("i") && !flags.includes("i")) flags += "i";
      out += "(?:";
      i = colon;
    } else {
      out += ch;
    }
  }
  return { pattern: out, flags };
}

function pythonFlags(letters: string): string {
  let flags = "";
  if (letters.includes("i")) flags += "i";
  if (letters.includes("m")) flags += "m";
  if (letters.includes("s")) flags += "s";
  return flags;
}

/** Python's `fnmatch.translate`: a shell glob as a regex string in Python syntax. */
export function fnmatchTranslate(pattern: string): string {
  const parts: string[] = [];
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i++];
    if (c === "*") {
      if (parts[parts.length - 1] !== "*") parts.push("*");
    } else if (c === "?") {
      parts.push(".");
    } else if (c === "[") {
      let j = i;
      if (j < n && pattern[j] === "!") j++;
      if (j < n && pattern[j] === "]") j++;
      while (j < n && pattern[j] !== "]") j++;
      if (j >= n) {
        parts.push("\\[");
      } else {
        let stuff = pattern.slice(i, j).replace(/\\/g, "\\\\");
        i = j + 1;
        if (stuff.startsWith("!")) stuff = "^" + stuff.slice(1);
        else if (stuff.startsWith("^") || stuff.startsWith("[")) stuff = "\\" + stuff;
        parts.push(`[${stuff}]`);
      }
    } else {
      parts.push(pythonReEscape(c));
    }
  }
  const body = parts.map((part) => (part === "*" ? ".*" : part)).join("");
  return `(?s:${body})\\Z`;
}

function pythonReEscape(ch: string): string {
  return /[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/.test(ch) ? "\\" + ch : ch;
}

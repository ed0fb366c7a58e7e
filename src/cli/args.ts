import { UserError } from "../util/files.ts";

/** The command line, parsed as pyinstrument's optparse parser reads it. */
export interface CliOptions {
  load?: string;
  loadPrev?: string;
  /** `-c CODE [args...]`: code to run, and the args it sees. */
  program?: { code: string; args: string[] };
  fromPath: boolean;
  outfile?: string;
  renderer?: string;
  renderOptions: string[];
  html: boolean;
  timeline: boolean;
  targetDescription: string;
  hide?: string;
  hideRegex?: string;
  show?: string;
  showRegex?: string;
  showAll: boolean;
  unicode?: boolean;
  color?: boolean;
  interval: number;
  help: boolean;
  version: boolean;
  /** The script and its arguments. */
  args: string[];
}

type Setter = (options: CliOptions, value: string) => void;
interface OptionSpec {
  names: string[];
  /** Takes a value; otherwise a flag. */
  value?: Setter;
  flag?: (options: CliOptions) => void;
  metavar?: string;
  help: string;
}

export const OPTION_SPECS: OptionSpec[] = [
  { names: ["-h", "--help"], flag: (o) => (o.help = true), help: "show this help message and exit" },
  { names: ["--version"], flag: (o) => (o.version = true), help: "show program's version number and exit" },
  {
    names: ["--load"], metavar: "FILENAME", value: (o, v) => (o.load = v),
    help: "instead of running a script, load a profile session from a .pyisession or .cpuprofile file",
  },
  {
    names: ["--load-prev"], metavar: "IDENTIFIER", value: (o, v) => (o.loadPrev = v),
    help: "instead of running a script, load a previous profile session as specified by an identifier",
  },
  { names: ["-c"], metavar: "PROGRAM", value: () => {}, help: "program passed in as string, like 'node -e \"...\"'" },
  {
    names: ["--from-path"], flag: (o) => (o.fromPath = true),
    help: "instead of the working directory, look for scriptfile in the PATH environment variable",
  },
  { names: ["-o", "--outfile"], metavar: "OUTFILE", value: (o, v) => (o.outfile = v), help: "save to <outfile>" },
  {
    names: ["-r", "--renderer"], metavar: "RENDERER", value: (o, v) => (o.renderer = v),
    help: "how the report should be rendered. One of: 'text', 'html', 'json', 'speedscope', 'pyisession', " +
      "'cpuprofile'. Defaults to the appropriate format for the extension if OUTFILE is given, otherwise, " +
      "defaults to 'text'.",
  },
  {
    names: ["-p", "--render-option"], metavar: "RENDER_OPTION", value: (o, v) => o.renderOptions.push(v),
    help: "options to pass to the renderer, in the format 'flag_name' or 'option_name=option_value'. For " +
      "example, to set the option 'time', pass '-p time=percent_of_total'. To pass multiple options, use the " +
      "-p option multiple times. You can set processor options using dot-syntax, like " +
      "'-p processor_options.filter_threshold=0'. option_value is parsed as a JSON value or a string.",
  },
  { names: ["--html"], flag: (o) => (o.html = true), help: "" },
  {
    names: ["-t", "--timeline"], flag: (o) => (o.timeline = true),
    help: "render as a timeline - preserve ordering and don't condense repeated calls",
  },
  {
    names: ["--target-description"], metavar: "TARGET_DESCRIPTION", value: (o, v) => (o.targetDescription = v),
    help: "description text to display in the report. The placeholder '{args}' may be used to include the " +
      "CLI arguments passed to the target script, including the script name. Default: 'Program: {args}'",
  },
  {
    names: ["--hide"], metavar: "EXPR", value: (o, v) => (o.hide = v),
    help: "glob-style pattern matching the file paths whose frames to hide. Defaults to hiding " +
      "non-application code",
  },
  {
    names: ["--hide-regex"], metavar: "REGEX", value: (o, v) => (o.hideRegex = v),
    help: "regex matching the file paths whose frames to hide. Useful if --hide doesn't give enough control.",
  },
  {
    names: ["--show"], metavar: "EXPR", value: (o, v) => (o.show = v),
    help: "glob-style pattern matching the file paths whose frames to show, regardless of --hide or " +
      "--hide-regex. For example, use --show '*/<library>/*' to show frames within a library that would " +
      "otherwise be hidden.",
  },
  {
    names: ["--show-regex"], metavar: "REGEX", value: (o, v) => (o.showRegex = v),
    help: "regex matching the file paths whose frames to always show. Useful if --show doesn't give enough control.",
  },
  { names: ["--show-all"], flag: (o) => (o.showAll = true), help: "show everything" },
  { names: ["--unicode"], flag: (o) => (o.unicode = true), help: "(text renderer only) force unicode text output" },
  { names: ["--no-unicode"], flag: (o) => (o.unicode = false), help: "(text renderer only) force ascii text output" },
  { names: ["--color"], flag: (o) => (o.color = true), help: "(text renderer only) force ansi color text output" },
  { names: ["--no-color"], flag: (o) => (o.color = false), help: "(text renderer only) force no color text output" },
  {
    names: ["-i", "--interval"], metavar: "INTERVAL",
    value: (o, v) => {
      const interval = Number(v);
      if (v.trim() === "" || !Number.isFinite(interval) || interval <= 0) {
        throw new UserError(`option -i: invalid interval value: '${v}' (a positive number of seconds)`);
      }
      o.interval = interval;
    },
    help: "Minimum time, in seconds, between each stack sample. Smaller values allow resolving shorter " +
      "duration function calls but incur a greater runtime and memory consumption overhead. Default: 0.001",
  },
];

export const USAGE = "usage: pyinstrument [options] scriptfile [arg] ...";

/** Parses argv (without the runtime and CLI paths). Options stop at the first positional argument. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const options: CliOptions = {
    fromPath: false,
    renderOptions: [],
    html: false,
    timeline: false,
    targetDescription: "Program: {args}",
    showAll: false,
    interval: 0.001,
    help: false,
    version: false,
    args: [],
  };
  const byName = new Map<string, OptionSpec>();
  for (const spec of OPTION_SPECS) for (const name of spec.names) byName.set(name, spec);

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      options.args = argv.slice(i + 1);
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      options.args = argv.slice(i);
      break;
    }
    let name = arg;
    let inlineValue: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      if (eq !== -1) {
        name = arg.slice(0, eq);
        inlineValue = arg.slice(eq + 1);
      }
      if (!byName.has(name)) {
        const matches = [...byName.keys()].filter((known) => known.startsWith(name) && known.startsWith("--"));
        if (matches.length === 1) name = matches[0];
        else if (matches.length > 1) throw new UserError(`ambiguous option: ${name} (${matches.join(", ")}?)`);
      }
    } else if (arg.length > 2) {
      name = arg.slice(0, 2);
      inlineValue = arg.slice(2);
    }
    const spec = byName.get(name);
    if (!spec) throw new UserError(`no such option: ${name}`);
    if (spec.flag) {
      if (inlineValue !== undefined && arg.startsWith("--")) throw new UserError(`${name} option does not take a value`);
      spec.flag(options);
      if (inlineValue !== undefined) {
        // Short flags may be bundled, as in `-tp flat`.
        argv = [...argv.slice(0, i + 1), `-${inlineValue}`, ...argv.slice(i + 1)];
      }
      continue;
    }
    let value = inlineValue;
    if (value === undefined) {
      if (i + 1 >= argv.length) throw new UserError(`${name} option requires 1 argument`);
      value = argv[++i];
    }
    if (name === "-c") {
      options.program = { code: value, args: argv.slice(i + 1) };
      break;
    }
    spec.value!(options, value);
  }
  return options;
}

export function helpText(): string {
  const lines = [USAGE, "", "options:"];
  for (const spec of OPTION_SPECS) {
    if (!spec.help) continue;
    const names = spec.names.map((n) => (spec.metavar ? `${n}${n.startsWith("--") ? "=" : " "}${spec.metavar}` : n));
    lines.push(`  ${names.join(", ")}`);
    lines.push(...wrap(spec.help, 72).map((line) => `                        ${line}`));
  }
  return lines.join("\n") + "\n";
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

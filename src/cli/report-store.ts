import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { Session } from "../session/session.ts";
import { UserError } from "../util/files.ts";
import { pyStrftime } from "../util/pyformat.ts";

/** How many recent reports `--load-prev` can reach. */
const KEPT_REPORTS = 10;

/** Where text reports are kept for `--load-prev`, per the platform's convention for user data. */
export function reportDirectory(): string {
  if (process.env.PYINSTRUMENT_REPORT_DIR) return process.env.PYINSTRUMENT_REPORT_DIR;
  const home = homedir();
  let base: string;
  if (process.platform === "darwin") base = join(home, "Library", "Application Support");
  else if (process.platform === "win32") base = process.env.LOCALAPPDATA ?? join(home, "AppData", "Local");
  else base = process.env.XDG_DATA_HOME || join(home, ".local", "share");
  return join(base, "pyinstrument-js", "reports");
}

/** Saves the session, keeps only the newest reports, and returns the identifier to load it by. */
export function saveReport(session: Session): string {
  const directory = reportDirectory();
  mkdirSync(directory, { recursive: true });
  const previous = readdirSync(directory).filter((name) => name.endsWith(".pyisession")).sort().reverse();
  for (const name of previous.slice(KEPT_REPORTS)) rmSync(join(directory, name), { force: true });
  const identifier = pyStrftime("%Y-%m-%dT%H-%M-%S", session.startTime);
  session.save(join(directory, `${identifier}.pyisession`));
  return identifier;
}

export function loadReport(identifier: string): Session {
  const path = join(reportDirectory(), `${identifier}.pyisession`);
  if (/[\\/]/.test(identifier) || !existsSync(path)) {
    throw new UserError(`Couldn't find a profile with identifier ${identifier}`);
  }
  return Session.load(path);
}

/** The hint pyinstrument prints after a text report. */
export function loadPrevHint(identifier: string): string {
  return `To view this report with different options, run:\n    pyinstrument --load-prev ${identifier} [options]\n\n`;
}

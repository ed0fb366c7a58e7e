// Opens a report in the user's browser, as pyinstrument does with Python's `webbrowser.open`:
// `$BROWSER` when set, else the platform's opener (`open` on macOS, `start` on Windows,
// `xdg-open` elsewhere). Works under Node, Deno and Bun through `node:child_process`.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";

/**
 * Starts a browser on the file and returns whether a browser command was launched. Never throws:
 * a report is still written when no browser can be started (headless servers, CI).
 */
export function openInBrowser(filePath: string): boolean {
  try {
    const url = pathToFileURL(resolve(filePath)).href;
    const [command, args] = browserCommand(url);
    if (!findExecutable(command)) return false;
    const child = spawn(command, args, { detached: true, stdio: "ignore", windowsHide: true });
    // A failure after the launch (the command exits with an error) has nowhere useful to go.
    child.on("error", () => {});
    child.unref();
    return true;
  } catch {
    return false;
  }
}

function browserCommand(url: string): [string, string[]] {
  const browser = process.env.BROWSER?.split(delimiter).find((entry) => entry.trim() !== "");
  if (browser) {
    // `$BROWSER` entries may hold `%s` for the URL (the convention Python's webbrowser follows).
    const parts = browser.trim().split(/\s+/);
    const hasPlaceholder = parts.some((part) => part.includes("%s"));
    const args = parts.slice(1).map((part) => part.replaceAll("%s", url));
    return [parts[0], hasPlaceholder ? args : [...args, url]];
  }
  if (process.platform === "darwin") return ["open", [url]];
  if (process.platform === "win32") return ["cmd", ["/c", "start", '""', url.replaceAll("&", "^&")]];
  return ["xdg-open", [url]];
}

/** Whether `command` can be run: an executable path, or a name found on PATH. */
function findExecutable(command: string): boolean {
  const candidates = isAbsolute(command) || command.includes("/")
    ? [command]
    : (process.env.PATH ?? "").split(delimiter).filter(Boolean).map((dir) => join(dir, command));
  const extensions = process.platform === "win32" ? ["", ".exe", ".cmd", ".bat"] : [""];
  for (const candidate of candidates) {
    for (const extension of extensions) {
      try {
        accessSync(candidate + extension, process.platform === "win32" ? constants.F_OK : constants.X_OK);
        return true;
      } catch {
        // not here
      }
    }
  }
  return false;
}

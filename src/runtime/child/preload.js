// Loaded into the profiled program before its own code. It keeps pyinstrument's order of output
// when the program dies of an uncaught error: the parent prints the report first, then the error.
// It only acts when the program has no handler of its own.
import { writeFileSync } from "node:fs";
import process from "node:process";
import { inspect } from "node:util";

const errorFile = process.env.PYINSTRUMENT_ERROR_FILE;
delete process.env.PYINSTRUMENT_ERROR_FILE;

function saveErrorAndExit(error, exit) {
  try {
    writeFileSync(errorFile, error instanceof Error ? inspect(error) : `Uncaught ${inspect(error)}`);
  } catch {
    // the parent then reports the exit code alone
  }
  exit(1);
}

if (errorFile) {
  if (typeof globalThis.Deno === "object") {
    const deno = globalThis.Deno;
    globalThis.addEventListener("error", (event) => {
      event.preventDefault();
      saveErrorAndExit(event.error, (code) => deno.exit(code));
    });
    globalThis.addEventListener("unhandledrejection", (event) => {
      event.preventDefault();
      saveErrorAndExit(event.reason, (code) => deno.exit(code));
    });
    // Deno writes its profile on exit() but not when a signal ends it.
    deno.addSignalListener("SIGINT", () => deno.exit(130));
  } else {
    const onError = (error) => {
      if (process.listenerCount("uncaughtException") > 1) return;
      saveErrorAndExit(error, (code) => process.exit(code));
    };
    process.on("uncaughtException", onError);
    // Node 20 and Bun lose the profile when a signal ends the program (measured: `node --cpu-prof`
    // writes nothing on SIGINT); leave through exit() unless the program listens itself.
    process.on("SIGINT", () => {
      if (process.listenerCount("SIGINT") === 1) process.exit(130);
    });
  }
}

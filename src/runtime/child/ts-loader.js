// Node 20 cannot run TypeScript: register hooks that blank out the types in place, so every line
// and column of the profile is the TypeScript file's own.
import { register } from "node:module";

register(new URL("./ts-hooks.js", import.meta.url));

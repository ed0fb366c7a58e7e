// Writes build/core.wasm.ts (the WASM core as a base64 string) from build/core.wasm.
// Run through `npm run build:core`, which compiles assembly/core.ts first.
import { readFileSync, writeFileSync } from "node:fs";

const wasmUrl = new URL("../build/core.wasm", import.meta.url);
const outUrl = new URL("../build/core.wasm.ts", import.meta.url);

const bytes = readFileSync(wasmUrl);
const base64 = bytes.toString("base64");
const text = `// deno-fmt-ignore-file
// deno-lint-ignore-file
// GENERATED FILE, DO NOT EDIT. Rebuild with \`npm run build:core\`
// (compiles assembly/core.ts to build/core.wasm, then runs scripts/embed-wasm.mjs).
// ${bytes.length} bytes of WebAssembly, base64-encoded.
export const coreWasmBase64: string =
  "${base64}";
`;
writeFileSync(outUrl, text);
console.log(`embed-wasm: wrote build/core.wasm.ts (${bytes.length} bytes wasm, ${base64.length} chars base64)`);

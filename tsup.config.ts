import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "mod.ts",
    cli: "src/cli/bin.ts",
    // Loaded by path into profiled programs, so they stay files of their own beside the bundle.
    "child/preload": "src/runtime/child/preload.js",
    "child/ts-loader": "src/runtime/child/ts-loader.js",
    "child/ts-hooks": "src/runtime/child/ts-hooks.js",
  },
  format: ["esm"],
  dts: { entry: { index: "mod.ts" } },
  platform: "node",
  target: "es2022",
  splitting: true,
  clean: true,
  sourcemap: false,
});

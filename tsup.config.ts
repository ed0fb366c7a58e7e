import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "mod.ts", cli: "src/cli/bin.ts" },
  format: ["esm"],
  dts: { entry: { index: "mod.ts" } },
  platform: "node",
  target: "es2022",
  splitting: true,
  clean: true,
  sourcemap: false,
});

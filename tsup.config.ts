import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "mod.ts",
    cli: "src/cli/bin.ts",
    "integrations/fetch": "src/integrations/fetch.ts",
    "integrations/hono": "src/integrations/hono.ts",
    "integrations/express": "src/integrations/express.ts",
    "integrations/fastify": "src/integrations/fastify.ts",
    // Loaded by path into profiled programs, so they stay files of their own beside the bundle.
    "child/preload": "src/runtime/child/preload.js",
    "child/ts-loader": "src/runtime/child/ts-loader.js",
    "child/ts-hooks": "src/runtime/child/ts-hooks.js",
  },
  format: ["esm"],
  dts: {
    entry: {
      index: "mod.ts",
      "integrations/fetch": "src/integrations/fetch.ts",
      "integrations/hono": "src/integrations/hono.ts",
      "integrations/express": "src/integrations/express.ts",
      "integrations/fastify": "src/integrations/fastify.ts",
    },
  },
  platform: "node",
  target: "es2022",
  splitting: true,
  clean: true,
  sourcemap: false,
});

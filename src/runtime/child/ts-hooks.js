// Module hooks (see ts-loader.js): strip-only TypeScript, which keeps positions exact.
import { transformSync } from "amaro";

const TYPESCRIPT = /\.(?:ts|mts|cts)$/;

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    // TypeScript imports often name the emitted `.js` file; try the `.ts` beside it.
    if (error?.code === "ERR_MODULE_NOT_FOUND" && /\.(?:m|c)?js$/.test(specifier) && context.parentURL && TYPESCRIPT.test(context.parentURL)) {
      return nextResolve(specifier.replace(/js$/, "ts"), context);
    }
    throw error;
  }
}

export async function load(url, context, nextLoad) {
  if (!TYPESCRIPT.test(url)) return nextLoad(url, context);
  const format = url.endsWith(".cts") ? "commonjs" : "module";
  const { source } = await nextLoad(url, { ...context, format });
  const code = transformSync(String(source), { mode: "strip-only" }).code;
  return { format, source: code, shortCircuit: true };
}

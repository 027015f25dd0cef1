/**
 * The local target's engine is not part of the action bundles: DuckDB is a native module, the
 * SQL transpiler WebAssembly, ECharts only draws the local dashboard pages. They come from
 * node_modules (`npm ci` in the org-compliance checkout) and are loaded with import() only when
 * the local target is used, so a runner without node_modules runs `target: aws` unharmed. The
 * loader also loads the SQL parser, where it is installed, to check sql/views/ with Trino's
 * grammar (src/load/trino-grammar.ts); without it that check is skipped, not failed.
 */

/** The packages the local target loads from node_modules. */
export const LOCAL_ENGINE_PACKAGES = ['@duckdb/node-api', '@polyglot-sql/sdk', 'echarts'] as const;

/** The engine package a module-not-found error names, if it names one. */
export function missingEnginePackage(error: unknown): string | undefined {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (!e || (e.code !== 'ERR_MODULE_NOT_FOUND' && e.code !== 'MODULE_NOT_FOUND')) return undefined;
  const message = String(e.message);
  return LOCAL_ENGINE_PACKAGES.find((p) => message.includes(`'${p}`) || message.includes(`"${p}`));
}

/**
 * Fails with what to install when an engine package is missing, without loading any: the local
 * target loads each part of its engine when a command needs it (the renderer only to draw a
 * dashboard, DuckDB only to query), and a command should not get halfway before it finds one
 * missing. Resolving a package finds it in node_modules as import() would.
 */
export function checkLocalEngine(what: string): void {
  for (const name of LOCAL_ENGINE_PACKAGES) {
    try {
      import.meta.resolve(name);
    } catch (e) {
      throw missingEngineError(what, missingEnginePackage(e) ?? name, e);
    }
  }
}

function missingEngineError(what: string, missing: string, cause: unknown): Error {
  return new Error(
    `${what} needs the local engine (${LOCAL_ENGINE_PACKAGES.join(', ')}), and ${missing} is not installed here. ` +
      "Run 'npm ci' in the org-compliance checkout first: the action bundles carry everything target 'aws' needs, " +
      'but the local target loads its engine from node_modules.',
    { cause },
  );
}

/**
 * Runs `load` (an import() of part of the local target); when an engine package is missing,
 * fails with what to install instead of Node's bare module-not-found error.
 */
export async function loadLocalEngine<T>(what: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    const missing = missingEnginePackage(e);
    if (!missing) throw e;
    throw missingEngineError(what, missing, e);
  }
}

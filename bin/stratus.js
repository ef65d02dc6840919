#!/usr/bin/env node
// Runs a bundle of src/ from dist/, rebuilt with esbuild whenever a source file is newer than it:
// starting from the bundle skips compiling TypeScript on every start (about half a second).
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, "dist", "stratus.mjs");

function newestSource(dir) {
  let newest = statSync(dir).mtimeMs;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function bundleTime() {
  try {
    return statSync(bundle).mtimeMs;
  } catch {
    return 0;
  }
}

if (
  bundleTime() < Math.max(newestSource(join(root, "src")), statSync(join(root, "package-lock.json")).mtimeMs)
) {
  const { build } = await import("esbuild");
  // Built beside the target and renamed into place, so concurrent starts never see half a file.
  const temporary = join(dirname(bundle), `.build-${process.pid}`, "stratus.mjs");
  mkdirSync(dirname(temporary), { recursive: true });
  await build({
    entryPoints: [join(root, "src", "main.ts")],
    outfile: temporary,
    sourcesContent: false,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    // Everything is bundled (loading hundreds of small ESM files costs more than the code itself)
    // except the native SQLite binding and the PostgreSQL driver, which loads only when used.
    external: ["better-sqlite3", "pg", "pg-native"],
    // Bundled CommonJS packages still call require(); give the ESM bundle one.
    banner: {
      js: 'import { createRequire as __stratusRequire } from "node:module"; const require = __stratusRequire(import.meta.url);',
    },
    sourcemap: "linked",
    logLevel: "warning",
  });
  renameSync(`${temporary}.map`, `${bundle}.map`);
  renameSync(temporary, bundle);
  rmSync(dirname(temporary), { recursive: true, force: true });
}
// Stack traces point into src/ (the map is read only when a trace is printed).
process.setSourceMapsEnabled(true);
await import(pathToFileURL(bundle).href);

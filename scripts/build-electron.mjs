// Bundles the main process (with the core) as ESM and the preload as CommonJS. Native and large
// runtime packages stay external: electron-builder ships them from node_modules (unpacked where native).
import {build} from "esbuild";
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
const external = ["electron", ...Object.keys(pkg.dependencies ?? {})];

await build({
  entryPoints: {
    main: path.join(root, "electron", "main.ts"),
    // The headless server: plain JavaScript, so a service runs `node dist-electron/serve.js` without tsx.
    serve: path.join(root, "electron", "core", "serve.ts"),
    "parse-worker": path.join(root, "electron", "core", "knowledge", "parsing", "parse-worker.ts"),
    "parser-spawner-entry": path.join(root, "electron", "core", "knowledge", "parsing", "parser-spawner-entry.ts"),
    // The embedding model's own process (embedder-process.ts), found beside the module that starts it.
    "embedder-process-entry": path.join(root, "electron", "core", "knowledge", "embedder-process-entry.ts"),
  },
  outdir: path.join(root, "dist-electron"),
  bundle: true,
  // Dynamic imports become separate files, so what the core loads lazily (parsers) stays unloaded.
  splitting: true,
  // Chunks sit beside the entries: the parser processes are found next to the module that starts them.
  chunkNames: "[name]-[hash]",
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: true,
  external,
  // ESM output still meets CommonJS-only dependencies that call require().
  banner: {js: "import {createRequire as __createRequire} from 'node:module'; const require = __createRequire(import.meta.url);"},
  logLevel: "warning",
});
await build({
  entryPoints: [path.join(root, "electron", "preload.ts")],
  outfile: path.join(root, "dist-electron", "preload.cjs"),
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external: ["electron"],
  logLevel: "warning",
});
console.log("Built dist-electron/main.js, serve.js, parse-worker.js, parser-spawner-entry.js, embedder-process-entry.js and preload.cjs");

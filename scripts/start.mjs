// `npm start`: installs what is missing, builds, and opens Deskside: the desktop window where
// Electron can run, otherwise the same app served to the browser (headless core).
import path from "node:path";
import {pathToFileURL} from "node:url";
import {ROOT, buildCore, electronBinary, ensureDependencies, ensureRendererBuilt, handOver} from "./lib/setup.mjs";
import {allocatorEnvInEffect, withAllocatorEnv} from "./lib/allocator-env.mjs";
import {runServer} from "./serve.mjs";

await ensureDependencies();
ensureRendererBuilt();
buildCore();

const binary = electronBinary();
if (binary) {
  handOver(binary, [ROOT, ...process.argv.slice(2)], {env: withAllocatorEnv()});
} else {
  console.log("No Electron window available here (no binary or no display): starting the headless app; open the printed address in a browser.");
  // The built server, with the service's allocator settings. glibc reads them only at start, so
  // without them it runs as a child process; with them (already set) it runs in this very process.
  if (allocatorEnvInEffect()) await import(pathToFileURL(path.join(ROOT, "dist-electron", "serve.js")).href);
  else runServer(process.argv.slice(2));
}

// `npm start`: installs what is missing, builds, and opens Deskside: the desktop window where
// Electron can run, otherwise the same app served to the browser (headless core).
import {spawn} from "node:child_process";
import path from "node:path";
import {ROOT, electronBinary, ensureDependencies, ensureRendererBuilt, run} from "./lib/setup.mjs";

await ensureDependencies();
ensureRendererBuilt();

const binary = electronBinary();
let child;
if (binary) {
  run(process.execPath, [path.join(ROOT, "scripts", "build-electron.mjs")]);
  child = spawn(binary, [ROOT, ...process.argv.slice(2)], {cwd: ROOT, stdio: "inherit"});
} else {
  console.log("No Electron window available here (no binary or no display): starting the headless app; open the printed address in a browser.");
  child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "electron", "core", "serve.ts"), ...process.argv.slice(2)], {cwd: ROOT, stdio: "inherit"});
}
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// `npm run serve`: the built headless server, started as the systemd unit starts it (its allocator
// settings; see lib/allocator-env.mjs). Signals pass through, and its exit code is this one's.
import path from "node:path";
import {pathToFileURL} from "node:url";
import {handOver, ROOT} from "./lib/setup.mjs";
import {withAllocatorEnv} from "./lib/allocator-env.mjs";

export function runServer(args) {
  // The IPC channel closes when this process dies, however it dies: the server then stops too
  // instead of holding the port and the data folder's lock as an orphan.
  handOver(process.execPath, [path.join(ROOT, "dist-electron", "serve.js"), ...args], {stdio: ["inherit", "inherit", "inherit", "ipc"], env: withAllocatorEnv()});
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) runServer(process.argv.slice(2));

import type {ChildProcess} from "node:child_process";
import {launchChild} from "./child-launch.js";
import type {SpawnerCommand, SpawnerEvent} from "./parser-spawner.js";

/**
 * The spawner process: a small process that starts, feeds and stops the parser workers for the
 * app and relays their messages, so the app itself never forks (see child-launch.ts).
 */

if (!process.send) throw new Error("the parser spawner must be started by the app, with an IPC channel.");
const emit = (event: SpawnerEvent) => process.send!(event);
const children = new Map<number, ChildProcess>();

process.on("message", (command: SpawnerCommand) => {
  switch (command.op) {
    case "start": {
      const child = launchChild(new URL(command.entry), command.execArgv, {
        onMessage: (message) => emit({op: "message", wid: command.wid, message}),
        onExit: (outOfMemory, detail) => {
          children.delete(command.wid);
          emit({op: "exit", wid: command.wid, outOfMemory, detail});
        },
      });
      children.set(command.wid, child);
      break;
    }
    case "send":
      children.get(command.wid)?.send(command.message as object);
      break;
    case "kill": {
      const child = children.get(command.wid);
      children.delete(command.wid);
      child?.kill("SIGKILL");
      break;
    }
  }
});

// The app is gone (closed, crashed, killed): its workers go too.
process.on("disconnect", () => {
  for (const child of children.values()) child.kill("SIGKILL");
  process.exit(0);
});

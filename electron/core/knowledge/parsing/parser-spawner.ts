import {fork, type ChildProcess} from "node:child_process";
import {entryScript, lowerPriority, siblingEntry} from "./child-launch.js";

/**
 * The app's side of the spawner process (parser-spawner-entry.ts). The spawner is forked once,
 * while the app is still small, and forks every parser worker after that: a fork copies the page
 * tables of the process that forks, which in an app holding a gigabyte (models, indexes) stalled
 * its event loop — the window, the HTTP server — for 50–250 ms per worker. If the spawner itself
 * ends, its workers end with it and the next worker starts a new spawner.
 */

export type SpawnerCommand =
  | {op: "start"; wid: number; entry: string; execArgv: string[]}
  | {op: "send"; wid: number; message: unknown}
  | {op: "kill"; wid: number};

export type SpawnerEvent = {op: "message"; wid: number; message: unknown} | {op: "exit"; wid: number; outOfMemory: boolean; detail: string};

export interface SpawnedEvents {
  onMessage(message: unknown): void;
  onExit(outOfMemory: boolean, detail: string): void;
}

export interface Spawned {
  send(message: unknown): void;
  /** Keeps the app alive while this worker has work; an idle worker must not. */
  setBusy(busy: boolean): void;
  kill(): void;
}

export interface Spawner {
  /** Starts the spawner now, while the app is still small, instead of at the first worker. */
  warm(): void;
  start(entry: URL, execArgv: string[], events: SpawnedEvents): Spawned;
  /** Ends the spawner and every worker it started. */
  close(): void;
}

export function createSpawner(spawnerEntry: URL = siblingEntry("parser-spawner-entry")): Spawner {
  let host: ChildProcess | null = null;
  const live = new Map<number, SpawnedEvents>();
  const busy = new Set<number>();
  let nextWid = 1;

  const updateRef = (): void => {
    const channel = host?.channel as {ref(): void; unref(): void} | undefined;
    if (busy.size > 0) {
      host?.ref();
      channel?.ref();
    } else {
      host?.unref();
      channel?.unref();
    }
  };

  const ensure = (): ChildProcess => {
    if (host) return host;
    const {script, args} = entryScript(spawnerEntry);
    const started = fork(script, args, {serialization: "advanced", stdio: ["ignore", "ignore", "inherit", "ipc"]});
    lowerPriority(started.pid);
    started.on("message", (event: SpawnerEvent) => {
      const events = live.get(event.wid);
      if (!events) return;
      if (event.op === "message") events.onMessage(event.message);
      else {
        live.delete(event.wid);
        busy.delete(event.wid);
        updateRef();
        events.onExit(event.outOfMemory, event.detail);
      }
    });
    const lost = (detail: string) => {
      if (host !== started) return;
      host = null;
      const orphans = [...live.values()];
      live.clear();
      busy.clear();
      for (const events of orphans) events.onExit(false, `the parser spawner ended (${detail})`);
    };
    started.on("exit", (code, signal) => lost(`exit ${code ?? signal}`));
    started.on("error", (error) => {
      started.kill("SIGKILL");
      lost(error.message);
    });
    host = started;
    updateRef();
    return started;
  };

  const post = (command: SpawnerCommand): void => {
    try {
      ensure().send(command);
    } catch {
      // The channel closed under us; the exit handler fails the workers.
    }
  };

  return {
    warm: () => void ensure(),
    start(entry, execArgv, events) {
      const wid = nextWid++;
      live.set(wid, events);
      post({op: "start", wid, entry: entry.href, execArgv});
      return {
        send: (message) => post({op: "send", wid, message}),
        setBusy: (isBusy) => {
          if (isBusy && live.has(wid)) busy.add(wid);
          else busy.delete(wid);
          updateRef();
        },
        kill: () => {
          if (!live.delete(wid)) return;
          busy.delete(wid);
          updateRef();
          if (host) post({op: "kill", wid});
        },
      };
    },
    close() {
      const current = host;
      host = null;
      live.clear();
      busy.clear();
      current?.kill("SIGKILL");
    },
  };
}

/**
 * What the memory benchmarks share: a server's resident memory with its child processes, waiting
 * for start-up work to settle, and the API load.
 */
import {createRequire} from "node:module";
import {setTimeout as sleep} from "node:timers/promises";
import {descendantPids, processMemoryMb} from "../test/helpers/health-probe.js";
import type {ServeProcess} from "../test/helpers/serve-process.js";

export {sleep};

/** Resident memory of a process, and of it with all its descendants (parser spawner, workers), in MB. */
export function treeRss(rootPid: number): {self: number; tree: number; processes: number} {
  const pids = [rootPid, ...descendantPids(rootPid)];
  const rss = (pid: number) => processMemoryMb(pid)?.rss ?? 0;
  return {self: rss(rootPid), tree: pids.reduce((sum, pid) => sum + rss(pid), 0), processes: pids.length};
}

/** Start-up imports the default articles in a parser worker; settled means that worker is gone too. */
export async function settle(maxMs: number, pid: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  let stableSince = Date.now();
  let last = treeRss(pid).processes;
  while (Date.now() < deadline) {
    await sleep(500);
    const now = treeRss(pid).processes;
    if (now !== last) stableSince = Date.now();
    last = now;
    // Server + spawner only, and no change for 5 s.
    if (now <= 2 && Date.now() - stableSince > 5000) return;
  }
}

export const LOAD_QUESTIONS = ["VPN error 809 after the update", "printer shows offline", "reset a forgotten password", "Outlook keeps asking for the password", "disk is full on the laptop"];

/** Searches and chat completions (two to one) from `connections` clients for `durationS` seconds. */
export async function apiLoad(server: ServeProcess, connections: number, durationS: number): Promise<{requests: {total: number}; non2xx: number}> {
  const autocannon = createRequire(import.meta.url)("autocannon") as (options: Record<string, unknown>) => Promise<{requests: {total: number}; non2xx: number}>;
  const headers = {authorization: `Bearer ${server.token}`, "content-type": "application/json"};
  const models = (await (await fetch(`${server.url}/v1/models`, {headers})).json()) as {data: {id: string}[]};
  const model = models.data.find((m) => m.id !== "deskside-rag")?.id ?? "deskside-rag";
  let n = 0;
  const question = () => LOAD_QUESTIONS[n++ % LOAD_QUESTIONS.length];
  const search = {method: "POST", path: "/api/search", headers, setupRequest: (req: object) => ({...req, body: JSON.stringify({query: question(), top_k: 5})})};
  return autocannon({
    url: server.url,
    connections,
    duration: durationS,
    requests: [
      search,
      search,
      {method: "POST", path: "/v1/chat/completions", headers, setupRequest: (req: object) => ({...req, body: JSON.stringify({model, messages: [{role: "user", content: question()}], max_tokens: 32})})},
    ],
  });
}

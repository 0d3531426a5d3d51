import {spawn} from "node:child_process";
import fs from "node:fs";

/**
 * Measures how a running server answers `GET /health` while something else happens. A separate
 * process (so the test's own pauses never count) sends rounds one after another: /health and, at
 * the same moment, a request to a control server that does nothing at all. When the machine itself
 * stalls (other processes, a busy shared CPU), both answer late; when the server stalls, only
 * /health does.
 */
export interface HealthRound {
  healthMs: number;
  controlMs: number;
}

export interface HealthProber {
  /** The rounds measured since the last call. */
  collect(): Promise<HealthRound[]>;
  stop(): void;
}

const PROBER = `
const rounds = [];
const timed = async (url) => { const t = performance.now(); await (await fetch(url)).arrayBuffer(); return performance.now() - t; };
(async () => {
  for (;;) {
    const t = performance.now();
    const [healthMs, controlMs] = await Promise.all([timed(process.argv[1] + "/health"), timed(process.argv[2])]);
    rounds.push({healthMs, controlMs});
    const wait = 20 - (performance.now() - t);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
})();
process.stdin.on("data", () => process.stdout.write(JSON.stringify(rounds.splice(0)) + "\\n"));
`;

export function startHealthProber(url: string, controlUrl: string): HealthProber {
  const child = spawn(process.execPath, ["-e", PROBER, url, controlUrl], {stdio: ["pipe", "pipe", "inherit"]});
  let buffer = "";
  const waiting: ((rounds: HealthRound[]) => void)[] = [];
  child.stdout!.on("data", (data) => {
    buffer += String(data);
    for (let index = buffer.indexOf("\n"); index >= 0; index = buffer.indexOf("\n")) {
      const line = buffer.slice(0, index);
      buffer = buffer.slice(index + 1);
      waiting.shift()?.(JSON.parse(line) as HealthRound[]);
    }
  });
  return {
    collect: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin!.write("report\n");
      }),
    stop: () => child.kill("SIGKILL"),
  };
}

/** A server in its own process that answers every request at once: the machine's own responsiveness. */
export async function startControlServer(): Promise<{url: string; stop: () => void}> {
  const script = `require("node:http").createServer((_, res) => res.end("ok")).listen(0, "127.0.0.1", function () { process.stdout.write(String(this.address().port) + "\\n"); });`;
  const child = spawn(process.execPath, ["-e", script], {stdio: ["ignore", "pipe", "inherit"]});
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once("data", (data) => resolve(String(data).trim()));
    child.once("exit", (code) => reject(new Error(`control server exited with ${code}`)));
  });
  return {url: `http://127.0.0.1:${port}/`, stop: () => child.kill("SIGKILL")};
}

/** Resident and peak resident memory of a process (Linux /proc), in MB; null elsewhere. */
export function processMemoryMb(pid: number): {rss: number; peak: number} | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) / 1024;
    const memory = {rss: field("VmRSS"), peak: field("VmHWM")};
    // A process that has just ended (a zombie) has no memory lines.
    return Number.isNaN(memory.rss) ? null : memory;
  } catch {
    return null;
  }
}

/** Every process below `pid` (Linux): the parser spawner a server starts and the workers under it. */
export function descendantPids(pid: number): number[] {
  const children = childPids(pid);
  return [...children, ...children.flatMap(descendantPids)];
}

/** Child processes of `pid` (Linux). */
export function childPids(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((task) => fs.readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/))
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

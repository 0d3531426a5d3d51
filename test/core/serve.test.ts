import {execFileSync, spawn, spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it, vi} from "vitest";
import {BUILT_SERVE, startServe, type ServeProcess} from "../helpers/serve-process.js";
import {REPO_ROOT} from "../helpers/fixtures.js";
import {descendantPids} from "../helpers/health-probe.js";
import {unitAllocatorEnv} from "../../scripts/lib/allocator-env.mjs";

const running: ServeProcess[] = [];
afterAll(async () => {
  for (const p of running) await p.stop("SIGKILL");
});

describe("npm run serve (the headless configuration contract)", () => {
  it("prints the listening line, answers /health, and stops cleanly on SIGTERM within 5 s", async () => {
    const serve = await startServe();
    running.push(serve);
    expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await (await fetch(`${serve.url}/health`)).json();
    expect(health.status).toBeDefined();
    await serve.waitFor(/Model ready: .+/);
    // A generation is running when the signal arrives: it is aborted, not waited for. (max_tokens
    // stays within the fixture model's 4096-token context; above it the request is refused.)
    const streaming = fetch(`${serve.url}/v1/chat/completions`, {
      method: "POST",
      headers: {authorization: `Bearer ${serve.token}`, "content-type": "application/json"},
      body: JSON.stringify({model: "llama-2-tiny-random.gguf", messages: [{role: "user", content: "hello"}], max_tokens: 4000, stream: true}),
    }).catch(() => null);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const {code, ms} = await serve.stop("SIGTERM");
    await streaming;
    expect(code).toBe(0);
    expect(ms).toBeLessThan(5000);
  });

  it("never reaches beyond this machine: outbound connections are refused and none is attempted", async () => {
    const netlog = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "deskside-net-")), "attempts.log");
    const serve = await startServe({
      nodeArgs: ["--import", path.join(REPO_ROOT, "test", "helpers", "deny-network.mjs")],
      env: {DESKSIDE_NETLOG: netlog},
    });
    running.push(serve);
    await serve.waitFor(/Model ready: .+/);
    const headers = {authorization: `Bearer ${serve.token}`, "content-type": "application/json"};
    // Exercise the paths that could be tempted to go online: models, embeddings, search, answers.
    expect((await fetch(`${serve.url}/v1/models`, {headers})).status).toBe(200);
    expect((await fetch(`${serve.url}/v1/embeddings`, {method: "POST", headers, body: JSON.stringify({model: "static-glove-wordpiece", input: "reset password"})})).status).toBe(200);
    const chat = await fetch(`${serve.url}/api/chat`, {method: "POST", headers, body: JSON.stringify({message: "VPN error 809 after update"})});
    expect(chat.status).toBe(200);
    expect((await chat.json()).sources.length).toBeGreaterThan(0);
    expect((await serve.stop()).code).toBe(0);
    expect(fs.existsSync(netlog) ? fs.readFileSync(netlog, "utf8") : "").toBe("");
  });

  it("fails fast with a clear message when the port is taken", async () => {
    const first = await startServe();
    running.push(first);
    const port = new URL(first.url).port;
    const second = startServe({env: {DESKSIDE_PORT: port}});
    await expect(second).rejects.toThrow(/PORT_IN_USE/);
    await first.stop();
  });
});

/** Every module `file` loads at start: its static imports, followed through the bundle's own files. */
function staticClosure(file: string): {files: string[]; packages: Set<string>} {
  const files: string[] = [];
  const packages = new Set<string>();
  const queue = [file];
  while (queue.length) {
    const current = queue.pop()!;
    if (files.includes(current)) continue;
    files.push(current);
    const source = fs.readFileSync(current, "utf8");
    // Static imports only (`import … from "x"` and `import "x"`); `import("x")` is left out on purpose.
    for (const match of source.matchAll(/^import\s+(?:[^"';]*?\s+from\s+)?["']([^"']+)["'];?$/gms)) {
      const target = match[1];
      if (target.startsWith(".")) queue.push(path.resolve(path.dirname(current), target));
      else if (!target.startsWith("node:")) packages.add(target.split("/").slice(0, target.startsWith("@") ? 2 : 1).join("/"));
    }
  }
  return {files, packages};
}

describe("the built server (node dist-electron/serve.js, as a service runs it)", () => {
  beforeAll(() => {
    execFileSync(process.execPath, [path.join(REPO_ROOT, "scripts", "build-electron.mjs")], {cwd: REPO_ROOT, stdio: "ignore"});
  });

  it("loads no document parser and no transformers.js at start: they live in the parser processes and in chunks loaded on demand", () => {
    const {files, packages} = staticClosure(BUILT_SERVE);
    expect(files.length).toBeGreaterThan(1);
    // The core's own libraries are there (the closure is real)…
    for (const needed of ["fastify", "@lancedb/lancedb", "node-llama-cpp"]) expect(packages, needed).toContain(needed);
    // …and none of the parsers, which cost about 60 MB of memory once loaded.
    for (const parser of ["jsdom", "mammoth", "unpdf", "marked", "@mozilla/readability", "csv-parse", "chardet", "iconv-lite", "file-type", "tesseract.js"]) expect(packages, parser).not.toContain(parser);
    // transformers.js (about 170 MB once loaded) comes with the first search or import that embeds.
    expect(packages, "@huggingface/transformers").not.toContain("@huggingface/transformers");
  });

  it("answers --help and --version without starting, and refuses a mistyped flag with exit code 2 before touching any folder", () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-args-"));
    const env = {...process.env, DESKSIDE_DATA_DIR: dataDir};
    const run = (args: string[]) => spawnSync(process.execPath, [BUILT_SERVE, ...args], {cwd: REPO_ROOT, env, encoding: "utf8", timeout: 30_000});
    const help = run(["--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: /);
    expect(help.stdout).toMatch(/--data-dir FOLDER .*\[DESKSIDE_DATA_DIR\]/);
    const version = run(["--version"]);
    expect(version.status).toBe(0);
    expect(version.stdout.trim()).toBe(`Deskside ${JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).version}`);
    const typo = run(["--datadir", "/srv/deskside"]);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain("Unknown option --datadir (did you mean --data-dir?)");
    expect(typo.stdout).not.toContain("listening");
    // Nothing was started, so nothing was written.
    expect(fs.readdirSync(dataDir)).toEqual([]);
  });

  it("npm run serve starts it with the service's allocator settings, without overriding one already set", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-npm-serve-"));
    const env: NodeJS.ProcessEnv = {...process.env, DESKSIDE_DATA_DIR: dataDir, DESKSIDE_PORT: "0", DESKSIDE_GPU: "cpu", DESKSIDE_THREADS: "1", MALLOC_ARENA_MAX: "4"};
    delete env.MALLOC_TRIM_THRESHOLD_;
    delete env.DESKSIDE_PLAIN_MALLOC;
    const launcher = spawn(process.execPath, [path.join(REPO_ROOT, "scripts", "serve.mjs")], {cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"]});
    try {
      let out = "";
      launcher.stdout!.on("data", (data) => (out += data));
      await vi.waitUntil(() => out.includes("Deskside listening"), {timeout: 60_000, interval: 100});
      const [server] = descendantPids(launcher.pid!).filter((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("serve.js"));
      const serverEnv = Object.fromEntries(fs.readFileSync(`/proc/${server}/environ`, "utf8").split("\0").filter(Boolean).map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
      const unitEnv = unitAllocatorEnv();
      expect(Object.keys(unitEnv).sort()).toEqual(["MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"]);
      expect(serverEnv).toMatchObject({...unitEnv, MALLOC_ARENA_MAX: "4"});
      // A signal to the launcher reaches the server, and the server's clean exit is the launcher's.
      const exited = new Promise<number | null>((resolve) => launcher.once("exit", resolve));
      launcher.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      launcher.kill("SIGKILL");
    }
  });

  it("a server started by npm run serve stops when its launcher is killed outright, leaving no orphan holding the data folder", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-orphan-"));
    const env: NodeJS.ProcessEnv = {...process.env, DESKSIDE_DATA_DIR: dataDir, DESKSIDE_PORT: "0", DESKSIDE_GPU: "cpu", DESKSIDE_THREADS: "1"};
    const launcher = spawn(process.execPath, [path.join(REPO_ROOT, "scripts", "serve.mjs")], {cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"]});
    let out = "";
    launcher.stdout!.on("data", (data) => (out += data));
    await vi.waitUntil(() => out.includes("Deskside listening"), {timeout: 60_000, interval: 100});
    const [server] = descendantPids(launcher.pid!).filter((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("serve.js"));
    launcher.kill("SIGKILL");
    await vi.waitUntil(() => !fs.existsSync(`/proc/${server}`) || fs.readFileSync(`/proc/${server}/stat`, "utf8").split(") ")[1]?.startsWith("Z"), {timeout: 10_000, interval: 100});
    expect(fs.existsSync(path.join(dataDir, "deskside.lock"))).toBe(false);
  });

  it("starts without tsx, imports through its parser processes and streams an answer", async () => {
    const serve = await startServe({built: true});
    running.push(serve);
    await serve.waitFor(/Model ready: .+/);
    const headers = {authorization: `Bearer ${serve.token}`};
    const form = new FormData();
    form.append("files", new Blob(["# Badge reader offline\n\nPower-cycle the badge reader on the third floor, then re-enrol the badge."], {type: "text/markdown"}), "badge-reader.md");
    const {job_id} = (await (await fetch(`${serve.url}/api/documents`, {method: "POST", headers, body: form})).json()) as {job_id: string};
    let job: {state: string; files: {state: string}[]} = {state: "running", files: []};
    while (job.state === "running") {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await (await fetch(`${serve.url}/api/jobs/${job_id}`, {headers})).json()) as typeof job;
    }
    expect(job.files[0].state).toBe("done");
    const hits = (await (await fetch(`${serve.url}/api/search`, {method: "POST", headers: {...headers, "content-type": "application/json"}, body: JSON.stringify({query: "badge reader third floor"})})).json()) as {hits: {source: string}[]};
    expect(hits.hits[0].source).toBe("badge-reader.md");
    const stream = await fetch(`${serve.url}/v1/chat/completions`, {
      method: "POST",
      headers: {...headers, "content-type": "application/json"},
      body: JSON.stringify({model: "llama-2-tiny-random.gguf", messages: [{role: "user", content: "hello"}], max_tokens: 8, stream: true}),
    });
    expect(await stream.text()).toMatch(/data: \[DONE\]/);
    // The process is node running the built file, with no TypeScript loader.
    const command = fs.readFileSync(`/proc/${serve.child.pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    expect(command.slice(1)).toEqual([BUILT_SERVE]);
    expect((await serve.stop()).code).toBe(0);
  });
});

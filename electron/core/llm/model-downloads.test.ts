import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type {AddressInfo} from "node:net";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {DownloadState} from "../../../shared/contract.js";
import {DEFAULT_DOWNLOAD_HOSTS} from "../../../shared/settings.js";
import {HostPolicy, isPrivateAddress, ModelDownloads, normalizeModelUrl, type DownloadOptions} from "./model-downloads.js";
import {FIXTURE_GGUF} from "../../../test/helpers/fixtures.js";
import {closedPort} from "../../../test/helpers/openai-stand-in.js";

// Local servers stand in for Hugging Face and for hosts that misbehave: they are outside the product
// (and offline here). Everything on this side of the socket is the real downloader.
let server: http.Server;
let base: string;
let port: number;
/** A port nothing listens on. */
let refusedPort: number;
const model = fs.readFileSync(FIXTURE_GGUF);
const half = Math.floor(model.length / 2);
const open = new Set<http.ServerResponse>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    open.add(res);
    res.on("close", () => open.delete(res));
    const url = req.url ?? "";
    const send = (bytes: Buffer) => {
      res.writeHead(200, {"content-type": "application/octet-stream", "content-length": bytes.length});
      res.end(bytes);
    };
    if (url.endsWith("/tiny.gguf")) send(model);
    else if (url.endsWith("/split-00001-of-00002.gguf")) send(model.subarray(0, half));
    else if (url.endsWith("/split-00002-of-00002.gguf")) send(model.subarray(half));
    else if (url.endsWith("/slow.gguf")) {
      // Sends a little, a little later, then nothing more.
      res.writeHead(200, {"content-type": "application/octet-stream", "content-length": model.length});
      res.write(model.subarray(0, 1024));
      setTimeout(() => res.writableEnded || res.write(model.subarray(1024, 2048)), 100);
    } else if (url.endsWith("/silent.gguf")) {
      // Accepts the connection and the request, never answers.
    } else if (url.endsWith("/redirect-in.gguf")) res.writeHead(302, {location: "/org/repo/resolve/main/tiny.gguf"}).end();
    else if (url.endsWith("/redirect-out.gguf")) res.writeHead(302, {location: `http://localhost:${port}/org/repo/resolve/main/tiny.gguf`}).end();
    else if (url.endsWith("/redirect-away.gguf")) res.writeHead(301, {location: "https://downloads.example.org/tiny.gguf"}).end();
    else if (url.endsWith("/redirect-loop.gguf")) res.writeHead(302, {location: url}).end();
    else res.writeHead(404).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}/org/repo/resolve/main`;
  refusedPort = await closedPort();
});
afterAll(() => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  server.close();
});

const LOCAL = ["http://127.0.0.1"];

function tracker(options: DownloadOptions = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-dl-"));
  const states: DownloadState[] = [];
  const downloads = new ModelDownloads(() => dir, {emit: (_name, s) => void states.push(s)}, {allowedHosts: () => LOCAL, connectTimeoutMs: 300, idleTimeoutMs: 300, ...options});
  const until = (id: string, state: DownloadState["state"]) =>
    new Promise<DownloadState>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const found = states.filter((s) => s.id === id).at(-1);
        if (found?.state === state) {
          clearInterval(poll);
          resolve(found);
        } else if (found && found.state !== "downloading") {
          clearInterval(poll);
          reject(new Error(`expected ${state}, got ${JSON.stringify(found)}`));
        } else if (Date.now() - started > 10_000) {
          clearInterval(poll);
          reject(new Error(`timed out waiting for ${state}; last ${JSON.stringify(found)}`));
        }
      }, 10);
    });
  /** Files left in the models folder, partial ones included. */
  const files = () => fs.readdirSync(dir);
  return {dir, downloads, states, until, files};
}

describe("model download links", () => {
  it("turns Hugging Face page links into file links and refuses non-GGUF links", () => {
    expect(normalizeModelUrl("https://huggingface.co/org/repo/blob/main/m-Q4_K_M.gguf")).toBe("https://huggingface.co/org/repo/resolve/main/m-Q4_K_M.gguf");
    expect(() => normalizeModelUrl("https://huggingface.co/org/repo")).toThrowError(expect.objectContaining({code: "INVALID_INPUT"}));
    expect(() => normalizeModelUrl("ftp://x/y.gguf")).toThrowError(expect.objectContaining({code: "INVALID_INPUT"}));
    expect(() => normalizeModelUrl("https://user:pw@huggingface.co/a/b/resolve/main/m.gguf")).toThrowError(expect.objectContaining({code: "INVALID_INPUT"}));
  });

  it("allows Hugging Face and its CDN hosts over https by default, nothing else", () => {
    const policy = new HostPolicy(DEFAULT_DOWNLOAD_HOSTS);
    for (const ok of [
      "https://huggingface.co/org/repo/resolve/main/m.gguf",
      "https://hf.co/org/repo/resolve/main/m.gguf",
      "https://cdn-lfs.huggingface.co/repos/ab/cd/file",
      "https://cdn-lfs-us-1.hf.co/repos/ab/cd/file",
      "https://cas-bridge.xethub.hf.co/xet-bridge-us/abc",
    ])
      expect(() => policy.check(new URL(ok)), ok).not.toThrow();
    for (const refused of [
      "http://huggingface.co/org/repo/resolve/main/m.gguf",
      "https://huggingface.co.evil.example/m.gguf",
      "https://evilhuggingface.co/m.gguf",
      "https://example.org/m.gguf",
      "https://127.0.0.1/m.gguf",
      "https://[::1]/m.gguf",
      "https://10.0.0.5/m.gguf",
    ])
      expect(() => policy.check(new URL(refused)), refused).toThrowError(expect.objectContaining({code: "DOWNLOAD_NOT_ALLOWED"}));
  });

  it("allows plain http and local addresses only where they are listed as such", () => {
    expect(() => new HostPolicy(["127.0.0.1"]).check(new URL("http://127.0.0.1:8080/m.gguf"))).toThrowError(/https only/);
    expect(() => new HostPolicy(["127.0.0.1"]).check(new URL("https://127.0.0.1:8080/m.gguf"))).not.toThrow();
    expect(() => new HostPolicy(["http://127.0.0.1"]).check(new URL("http://127.0.0.1:8080/m.gguf"))).not.toThrow();
    expect(() => new HostPolicy(["http://127.0.0.1:9000"]).check(new URL("http://127.0.0.1:8080/m.gguf"))).toThrowError(expect.objectContaining({code: "DOWNLOAD_NOT_ALLOWED"}));
    expect(() => new HostPolicy(["*.corp.example"]).check(new URL("https://10.1.2.3/m.gguf"))).toThrowError(expect.objectContaining({code: "DOWNLOAD_NOT_ALLOWED"}));
    // A listed name may resolve only to public addresses, unless the address is listed too.
    const mirror = new HostPolicy(["mirror.corp.example"]);
    expect(mirror.addressAllowed("93.184.216.34")).toBe(true);
    expect(mirror.addressAllowed("10.1.2.3")).toBe(false);
    expect(mirror.addressAllowed("::ffff:127.0.0.1")).toBe(false);
    expect(new HostPolicy(["mirror.corp.example", "10.1.2.3"]).addressAllowed("10.1.2.3")).toBe(true);
    for (const address of ["127.0.0.1", "10.255.255.1", "172.20.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1", "fd00::1", "fe80::1"])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ["8.8.8.8", "2606:4700::1111"]) expect(isPrivateAddress(address), address).toBe(false);
  });

  it("refuses a link to a host that is not allowed before anything is fetched", () => {
    const {downloads, states} = tracker({allowedHosts: () => DEFAULT_DOWNLOAD_HOSTS});
    expect(() => downloads.start(`${base}/tiny.gguf`)).toThrowError(expect.objectContaining({code: "DOWNLOAD_NOT_ALLOWED"}));
    expect(states).toEqual([]);
    expect(downloads.list()).toEqual([]);
  });
});

describe("model downloads", () => {
  it("downloads into the models folder with progress", async () => {
    const {dir, downloads, states, until, files} = tracker();
    const started = downloads.start(`${base}/tiny.gguf`);
    const done = await until(started.id, "done");
    expect(done.receivedBytes).toBe(model.length);
    expect(fs.readFileSync(path.join(dir, "tiny.gguf")).equals(model)).toBe(true);
    expect(files()).toEqual(["tiny.gguf"]);
    expect(states.some((s) => s.state === "downloading")).toBe(true);
    expect(downloads.list()[0].state).toBe("done");
  });

  it("downloads every part of a split model", async () => {
    const {dir, downloads, until, files} = tracker();
    const started = downloads.start(`${base}/split-00001-of-00002.gguf`);
    const done = await until(started.id, "done");
    expect(done.receivedBytes).toBe(model.length);
    expect(files().sort()).toEqual(["split-00001-of-00002.gguf", "split-00002-of-00002.gguf"]);
    expect(Buffer.concat([fs.readFileSync(path.join(dir, files().sort()[0])), fs.readFileSync(path.join(dir, files().sort()[1]))]).equals(model)).toBe(true);
  });

  it("follows a redirect to an allowed host", async () => {
    const {downloads, until, files} = tracker();
    const started = downloads.start(`${base}/redirect-in.gguf`);
    await until(started.id, "done");
    expect(files()).toEqual(["redirect-in.gguf"]);
  });

  it("stops at a redirect to a host that is not allowed", async () => {
    const {downloads, until, files} = tracker();
    for (const name of ["redirect-out.gguf", "redirect-away.gguf"]) {
      const started = downloads.start(`${base}/${name}`);
      const failed = await until(started.id, "failed");
      expect(failed.error?.code, name).toBe("DOWNLOAD_NOT_ALLOWED");
      expect(failed.error?.message).toMatch(/redirected to/);
    }
    expect(files()).toEqual([]);
  });

  it("refuses a listed name that resolves to a local address not listed itself", async () => {
    const {downloads, until, files} = tracker({allowedHosts: () => ["http://localhost"]});
    const started = downloads.start(`http://localhost:${port}/org/repo/resolve/main/tiny.gguf`);
    const failed = await until(started.id, "failed");
    expect(failed.error).toMatchObject({code: "DOWNLOAD_NOT_ALLOWED", message: expect.stringMatching(/local or private address/)});
    expect(files()).toEqual([]);
  });

  it("gives up on a redirect loop", async () => {
    const {downloads, until} = tracker({maxRedirects: 3});
    const failed = await until(downloads.start(`${base}/redirect-loop.gguf`).id, "failed");
    expect(failed.error?.code).toBe("DOWNLOAD_FAILED");
  });

  it("reports a missing file with a stable code", async () => {
    const {downloads, until} = tracker();
    const failed = await until(downloads.start(`${base}/missing.gguf`).id, "failed");
    expect(failed.error?.code).toBe("DOWNLOAD_FAILED");
    expect(failed.error?.message).toMatch(/404/);
  });
});

describe("model downloads that cannot connect or stall", () => {
  it("fails with NETWORK_UNREACHABLE when the connection is refused", async () => {
    const {downloads, until} = tracker();
    const started = performance.now();
    const failed = await until(downloads.start(`http://127.0.0.1:${refusedPort}/m/tiny.gguf`).id, "failed");
    expect(failed.error?.code).toBe("NETWORK_UNREACHABLE");
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("fails with NETWORK_UNREACHABLE when no connection is made within the connect timeout", async () => {
    // A name service that never answers keeps the download in its connecting phase.
    const {downloads, until} = tracker({allowedHosts: () => ["models.example.org"], resolver: () => undefined, connectTimeoutMs: 200});
    const started = performance.now();
    const failed = await until(downloads.start("https://models.example.org/m/tiny.gguf").id, "failed");
    expect(failed.error).toMatchObject({code: "NETWORK_UNREACHABLE", message: expect.stringMatching(/no connection within 0.2 s/)});
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("fails with DOWNLOAD_TIMEOUT when the server accepts the connection and never answers", async () => {
    const {downloads, until, files} = tracker();
    const started = performance.now();
    const failed = await until(downloads.start(`${base}/silent.gguf`).id, "failed");
    expect(failed.error).toMatchObject({code: "DOWNLOAD_TIMEOUT", message: expect.stringMatching(/sent nothing for 0.3 s/)});
    expect(performance.now() - started).toBeLessThan(3000);
    expect(files()).toEqual([]);
  });

  it("fails with DOWNLOAD_TIMEOUT when the file stops arriving, leaving nothing behind", async () => {
    const {downloads, until, files} = tracker();
    const failed = await until(downloads.start(`${base}/slow.gguf`).id, "failed");
    expect(failed.error?.code).toBe("DOWNLOAD_TIMEOUT");
    expect(files()).toEqual([]);
  });
});

describe("cancelling a model download", () => {
  it("works before the download has started", async () => {
    const {downloads, until, files} = tracker();
    const started = downloads.start(`${base}/tiny.gguf`);
    downloads.cancel(started.id);
    await until(started.id, "cancelled");
    expect(downloads.list()[0]).toMatchObject({id: started.id, state: "cancelled", error: null});
    expect(files()).toEqual([]);
  });

  it("works while connecting", async () => {
    const {downloads, until} = tracker({allowedHosts: () => ["models.example.org"], resolver: () => undefined, connectTimeoutMs: 60_000});
    const started = downloads.start("https://models.example.org/m/tiny.gguf");
    await new Promise((resolve) => setTimeout(resolve, 100));
    const asked = performance.now();
    downloads.cancel(started.id);
    await until(started.id, "cancelled");
    expect(performance.now() - asked).toBeLessThan(1000);
  });

  it("works while waiting for an answer and while the file arrives, leaving no partial file", async () => {
    const {downloads, until, files} = tracker({idleTimeoutMs: 60_000});
    for (const name of ["silent.gguf", "slow.gguf"]) {
      const started = downloads.start(`${base}/${name}`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const asked = performance.now();
      downloads.cancel(started.id);
      await until(started.id, "cancelled");
      expect(performance.now() - asked, name).toBeLessThan(1000);
    }
    expect(files()).toEqual([]);
    expect(downloads.list().map((d) => d.state)).toEqual(["cancelled", "cancelled"]);
  });

  it("leaves a finished download as it is", async () => {
    const {downloads, until} = tracker();
    const started = downloads.start(`${base}/tiny.gguf`);
    await until(started.id, "done");
    downloads.cancel(started.id);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(downloads.list()[0].state).toBe("done");
    expect(() => downloads.cancel("nope")).toThrowError(expect.objectContaining({code: "NOT_FOUND"}));
  });
});

import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type {AddressInfo} from "node:net";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import type {DownloadState} from "../../../shared/contract.js";
import {ModelDownloads, normalizeModelUrl} from "./model-downloads.js";
import {FIXTURE_GGUF} from "../../../test/helpers/fixtures.js";

// A local file server stands in for Hugging Face, which is outside the product (and offline here).
let server: http.Server;
let base: string;
const model = fs.readFileSync(FIXTURE_GGUF);
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url?.endsWith("/tiny.gguf")) {
      res.writeHead(200, {"content-type": "application/octet-stream", "content-length": model.length});
      res.end(model);
    } else if (req.url?.endsWith("/slow.gguf")) {
      res.writeHead(200, {"content-type": "application/octet-stream", "content-length": model.length});
      res.write(model.subarray(0, 1024));
      // Never finishes: the test cancels it.
    } else {
      res.writeHead(404).end("not found");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function tracker(dir: string) {
  const states: DownloadState[] = [];
  const downloads = new ModelDownloads(() => dir, {emit: (_name, s) => void states.push(s)});
  const until = (id: string, state: DownloadState["state"]) =>
    new Promise<DownloadState>((resolve, reject) => {
      const started = Date.now();
      const poll = setInterval(() => {
        const found = states.filter((s) => s.id === id).at(-1);
        if (found?.state === state) {
          clearInterval(poll);
          resolve(found);
        } else if (Date.now() - started > 20_000) {
          clearInterval(poll);
          reject(new Error(`timed out waiting for ${state}; last ${JSON.stringify(found)}`));
        }
      }, 20);
    });
  return {downloads, states, until};
}

describe("model downloads", () => {
  it("turns Hugging Face page links into file links and refuses non-GGUF links", () => {
    expect(normalizeModelUrl("https://huggingface.co/org/repo/blob/main/m-Q4_K_M.gguf")).toBe("https://huggingface.co/org/repo/resolve/main/m-Q4_K_M.gguf");
    expect(() => normalizeModelUrl("https://huggingface.co/org/repo")).toThrowError(expect.objectContaining({code: "INVALID_INPUT"}));
    expect(() => normalizeModelUrl("ftp://x/y.gguf")).toThrowError(expect.objectContaining({code: "INVALID_INPUT"}));
  });

  it("downloads into the models folder with progress", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-dl-"));
    const {downloads, states, until} = tracker(dir);
    const started = downloads.start(`${base}/org/repo/resolve/main/tiny.gguf`);
    const done = await until(started.id, "done");
    expect(done.receivedBytes).toBe(model.length);
    expect(fs.readFileSync(path.join(dir, "tiny.gguf")).equals(model)).toBe(true);
    expect(states.some((s) => s.state === "downloading")).toBe(true);
    expect(downloads.list()[0].state).toBe("done");
  });

  it("cancels, leaving no model file behind", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-dl-"));
    const {downloads, until} = tracker(dir);
    const started = downloads.start(`${base}/org/repo/resolve/main/slow.gguf`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    downloads.cancel(started.id);
    await until(started.id, "cancelled");
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".gguf"))).toEqual([]);
  });

  it("reports a failed download with a stable code", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-dl-"));
    const {downloads, until} = tracker(dir);
    const started = downloads.start(`${base}/org/repo/resolve/main/missing.gguf`);
    const failed = await until(started.id, "failed");
    expect(failed.error?.code).toBe("DOWNLOAD_FAILED");
  });
});

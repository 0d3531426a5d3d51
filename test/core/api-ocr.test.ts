/**
 * OCR over the HTTP API of a real `npm run serve` process whose every process and thread (server,
 * parser spawner, parser workers, tesseract's worker threads) refuses outbound connections and logs
 * any attempt (NODE_OPTIONS carries test/helpers/deny-network.mjs to all of them): a scanned PDF and
 * an image uploaded with POST /api/documents are read by OCR and found by search and chat, with
 * their page and the OCR mark, and nothing tries to reach the network.
 */
import {execFileSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {REPO_ROOT} from "../helpers/fixtures.js";
import {makeScannedPdf, openTextImages, recognisedShare, SCANNED_SENTENCES} from "../helpers/ocr-fixtures.js";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";

const DENY_NETWORK = path.join(REPO_ROOT, "test", "helpers", "deny-network.mjs");
const S = SCANNED_SENTENCES;

let serve: ServeProcess;
let netlog: string;
let scanPdf: Uint8Array;
let noticePng: Uint8Array;

beforeAll(async () => {
  const images = await openTextImages();
  try {
    const page = await images.encoded([S.spooler, S.vpn], "png");
    scanPdf = await makeScannedPdf([{text: ["Printer maintenance", "Clean the paper rollers every quarter with a dry cloth."]}, {image: page, format: "png"}]);
    noticePng = await images.encoded([S.badge], "png");
  } finally {
    await images.close();
  }
  netlog = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "deskside-ocr-net-")), "attempts.log");
  serve = await startServe({env: {NODE_OPTIONS: `--import ${DENY_NETWORK}`, DESKSIDE_NETLOG: netlog}});
});

afterAll(async () => {
  await serve?.stop();
});

const headers = () => ({authorization: `Bearer ${serve.token}`});
const post = (route: string, body: unknown) => fetch(`${serve.url}${route}`, {method: "POST", headers: {...headers(), "content-type": "application/json"}, body: JSON.stringify(body)});

describe("OCR over HTTP, with the network denied", () => {
  it("the guard sees connections from worker threads of child processes (so an empty log means none was tried)", () => {
    const log = path.join(path.dirname(netlog), "control.log");
    // A worker started from a file, as tesseract.js starts its own (preloads do not run in eval'd workers).
    const worker = path.join(path.dirname(netlog), "connect.cjs");
    fs.writeFileSync(worker, "require('node:net').connect(443, '203.0.113.7').on('error', () => process.exit(0));");
    const script = `const {Worker} = require('node:worker_threads'); new Worker(${JSON.stringify(worker)});`;
    execFileSync(process.execPath, ["-e", script], {env: {...process.env, NODE_OPTIONS: `--import ${DENY_NETWORK}`, DESKSIDE_NETLOG: log}, timeout: 30_000});
    expect(fs.readFileSync(log, "utf8")).toContain("connect 203.0.113.7:443");
  });

  it("reads an uploaded scan and image by OCR; search and chat cite them with page and OCR mark; nothing goes online", async () => {
    const form = new FormData();
    form.append("file", new Blob([Buffer.from(scanPdf)], {type: "application/pdf"}), "printer manual.pdf");
    form.append("file", new Blob([Buffer.from(noticePng)], {type: "image/png"}), "badge notice.png");
    const upload = await fetch(`${serve.url}/api/documents`, {method: "POST", headers: headers(), body: form});
    expect(upload.status).toBe(202);
    const {job_id} = (await upload.json()) as {job_id: string};
    type JobFile = {name: string; state: string; ocr: {done: number; total: number} | null; error: unknown};
    let job: {state: string; files: JobFile[]} = {state: "running", files: []};
    const seen = new Set<string>();
    const deadline = Date.now() + 150_000;
    while (job.state === "running" && Date.now() < deadline) {
      job = (await (await fetch(`${serve.url}/api/jobs/${job_id}`, {headers: headers()})).json()) as typeof job;
      for (const file of job.files) if (file.ocr) seen.add(`${file.name} ${file.ocr.done}/${file.ocr.total}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(job.files.map((file) => [file.name, file.state, file.error])).toEqual([
      ["printer manual.pdf", "done", null],
      ["badge notice.png", "done", null],
    ]);
    // The job shows OCR's progress while a file is read (polled, so not every step is caught).
    expect([...seen].some((step) => /^(printer manual\.pdf|badge notice\.png) \d\/1$/.test(step))).toBe(true);

    type Hit = {source: string; page: number | null; ocr: boolean; text: string};
    const search = async (query: string) => ((await (await post("/api/search", {query, top_k: 1, mode: "text"})).json()) as {hits: Hit[]}).hits[0];
    const scanned = await search("print spooler jobs stuck queue");
    expect(scanned).toMatchObject({source: "printer manual.pdf", page: 2, ocr: true});
    expect(recognisedShare(scanned.text, S.spooler), scanned.text).toBeGreaterThanOrEqual(0.85);
    expect(await search("paper rollers dry cloth")).toMatchObject({source: "printer manual.pdf", page: 1, ocr: false});
    const badge = await search("badge readers battery");
    expect(badge).toMatchObject({source: "badge notice.png", page: null, ocr: true});
    expect(recognisedShare(badge.text, S.badge), badge.text).toBeGreaterThanOrEqual(0.85);

    const chat = (await (await post("/api/chat", {message: "jobs are stuck in the print spooler queue, what now?"})).json()) as {sources: {source: string; page: number | null; ocr: boolean}[]};
    expect(chat.sources.find((source) => source.source === "printer manual.pdf" && source.page === 2)).toMatchObject({ocr: true});

    expect((await serve.stop()).code).toBe(0);
    expect(fs.existsSync(netlog) ? fs.readFileSync(netlog, "utf8") : "").toBe("");
  });
});

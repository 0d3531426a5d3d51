/**
 * Names of uploaded files over POST /api/documents: identical content in one upload is stored once,
 * different files that share a name never replace each other, the same file uploaded again does,
 * and whatever name a client sends is cleaned.
 */
import fs from "node:fs";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {MAX_UPLOAD_NAME_CHARS} from "../../electron/core/knowledge/upload-names.js";
import {startApiHarness, type ApiHarness} from "../helpers/api-server.js";

let h: ApiHarness;

interface JobFile {
  name: string;
  state: string;
  document_id: string | null;
  reason: string | null;
}
interface DocumentView {
  id: string;
  title: string;
  source: string;
  status: string;
}

/**
 * A multipart body written byte for byte, so file names reach the server exactly as a careless or
 * hostile client would send them (fetch's FormData escapes some characters).
 */
function multipart(files: {filename: string; content: string}[]): {body: Buffer; type: string} {
  const boundary = "----deskside-test-boundary";
  const parts = files.map(({filename, content}) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/markdown\r\n\r\n`, "utf8"),
      Buffer.from(content, "utf8"),
      Buffer.from("\r\n"),
    ]),
  );
  return {body: Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]), type: `multipart/form-data; boundary=${boundary}`};
}

async function upload(files: {filename: string; content: string}[]): Promise<JobFile[]> {
  const {body, type} = multipart(files);
  const response = await h.call("/api/documents", {method: "POST", headers: {"content-type": type}, body: new Uint8Array(body)});
  expect(response.status).toBe(202);
  const {job_id} = await response.json();
  const deadline = performance.now() + 60_000;
  for (;;) {
    const job = await (await h.call(`/api/jobs/${job_id}`)).json();
    if (job.state !== "running") return job.files;
    if (performance.now() > deadline) throw new Error("import did not finish");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function documents(): Promise<DocumentView[]> {
  return (await (await h.call("/api/documents")).json()).documents;
}

const runbook = (topic: string) => `# ${topic}\n\nRestart the ${topic} service, then check the ${topic} log for errors.\n`;

beforeAll(async () => {
  h = await startApiHarness();
}, 120_000);
afterAll(async () => {
  await h?.close();
  if (h) fs.rmSync(h.dataDir, {recursive: true, force: true});
});

describe("POST /api/documents: names and duplicates", () => {
  it("stores the same content sent twice in one upload once; the second copy points at the first", async () => {
    const text = runbook("print spooler");
    const files = await upload([
      {filename: "spooler.md", content: text},
      {filename: "spooler-copy.md", content: text},
      {filename: "spooler.md", content: text},
    ]);
    expect(files[0]).toMatchObject({name: "spooler.md", state: "done"});
    expect(files[0].document_id).toEqual(expect.any(String));
    for (const copy of files.slice(1)) {
      expect(copy.state).toBe("skipped");
      expect(copy.reason).toMatch(/duplicate/);
      expect(copy.document_id).toBe(files[0].document_id);
    }
    const stored = (await documents()).filter((doc) => doc.title === "print spooler");
    expect(stored.map((doc) => doc.id)).toEqual([files[0].document_id]);
  });

  it("gives different files with the same name distinct names instead of replacing one with the other", async () => {
    const files = await upload([
      {filename: "vpn/runbook.md", content: runbook("VPN client")},
      {filename: "wifi/runbook.md", content: runbook("Wi-Fi adapter")},
    ]);
    expect(files.map((file) => [file.name, file.state])).toEqual([
      ["runbook.md", "done"],
      ["runbook (2).md", "done"],
    ]);
    expect(files[0].document_id).not.toBe(files[1].document_id);
    const docs = await documents();
    const vpn = docs.find((doc) => doc.id === files[0].document_id)!;
    const wifi = docs.find((doc) => doc.id === files[1].document_id)!;
    expect([vpn.source, wifi.source]).toEqual(["runbook.md", "runbook (2).md"]);
    expect([vpn.title, wifi.title]).toEqual(["VPN client", "Wi-Fi adapter"]);

    // The same file (same folder and name) uploaded again replaces its own copy and nothing else.
    const [again] = await upload([{filename: "wifi/runbook.md", content: runbook("Wi-Fi adapter driver")}]);
    expect(again).toMatchObject({name: "runbook (2).md", state: "done"});
    const afterUpdate = await documents();
    expect(afterUpdate.some((doc) => doc.id === wifi.id)).toBe(false);
    expect(afterUpdate.find((doc) => doc.id === again.document_id)).toMatchObject({source: "runbook (2).md", title: "Wi-Fi adapter driver"});
    expect(afterUpdate.find((doc) => doc.id === vpn.id)).toMatchObject({source: "runbook.md", title: "VPN client"});

    // A runbook.md from elsewhere (here: no folder) is a third document with a third name.
    const [other] = await upload([{filename: "runbook.md", content: runbook("docking station")}]);
    expect(other).toMatchObject({name: "runbook (3).md", state: "done"});
    const finalDocs = await documents();
    expect(finalDocs.filter((doc) => /^runbook( \(\d\))?\.md$/.test(doc.source)).map((doc) => doc.source).sort()).toEqual(["runbook (2).md", "runbook (3).md", "runbook.md"]);
  });

  it("cleans the names clients send: control characters, separators and .. are removed, long names cut, empty ones named", async () => {
    const long = `${"l".repeat(400)}.md`;
    const files = await upload([
      {filename: "../../etc/pass\u0000wd\u0007.md", content: runbook("password reset")},
      {filename: `..\\..\\${long}`, content: runbook("long name")},
      {filename: "../..", content: runbook("nameless")},
      {filename: "\u0001\u0002", content: runbook("control only")},
    ]);
    expect(files[0]).toMatchObject({name: "passwd.md", state: "done"});
    expect(Array.from(files[1].name)).toHaveLength(MAX_UPLOAD_NAME_CHARS);
    expect(files[1].name.endsWith("l.md")).toBe(true);
    expect(files[1].state).toBe("done");
    expect(files[2].name).toBe("upload");
    expect(files[3].name).toBe("upload (2)");

    const docs = await documents();
    const shown = [...files.map((file) => file.name), ...docs.map((doc) => doc.source), ...docs.map((doc) => doc.title)];
    for (const name of shown) {
      // eslint-disable-next-line no-control-regex -- control characters are what must be absent
      expect(name).not.toMatch(/[\u0000-\u001f\u007f/\\]/);
      expect(name).not.toContain("..");
    }
    expect(docs.find((doc) => doc.id === files[0].document_id)).toMatchObject({source: "passwd.md", title: "password reset"});
  });
});

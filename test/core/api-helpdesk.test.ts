import OpenAI from "openai";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {readSse, startApiHarness, type ApiHarness} from "../helpers/api-server.js";

let h: ApiHarness;
const json = {"content-type": "application/json"};

const RUNBOOK = `# Printer spooler stuck

When jobs pile up in the print queue and nothing prints, the Windows print spooler is stuck.

## Fix

1. Open services.msc and stop the Print Spooler service.
2. Delete the files in C:\\Windows\\System32\\spool\\PRINTERS.
3. Start the Print Spooler service again and print a test page.
`;

const VPN = `# VPN error 809

Error 809 means the VPN connection was blocked by a firewall or NAT device between the laptop and the VPN gateway.
Ask the user to try another network such as a phone hotspot, then check that UDP 500 and 4500 are open.
`;

async function post(route: string, body: unknown): Promise<Response> {
  return h.call(route, {method: "POST", headers: json, body: JSON.stringify(body)});
}

async function waitForJob(id: string): Promise<any> {
  const deadline = performance.now() + 60_000;
  for (;;) {
    const job = await (await h.call(`/api/jobs/${id}`)).json();
    if (job.state !== "running" || performance.now() > deadline) return job;
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  h = await startApiHarness({uploadLimitBytes: 256 * 1024});
});
afterAll(async () => {
  await h?.close();
});

describe("documents", () => {
  let documentId: string;

  it("imports a multipart upload of Markdown files that then becomes searchable", async () => {
    const form = new FormData();
    form.append("file", new Blob([RUNBOOK], {type: "text/markdown"}), "printer-spooler.md");
    form.append("file", new Blob([VPN], {type: "text/markdown"}), "../../etc/vpn-809.md");
    form.append("collection", "runbooks");
    const response = await h.call("/api/documents", {method: "POST", body: form});
    expect(response.status).toBe(202);
    const {job_id, job} = await response.json();
    expect(job_id).toBe(job.id);
    expect(job.files.map((f: {name: string}) => f.name).sort()).toEqual(["printer-spooler.md", "vpn-809.md"]);
    const finished = await waitForJob(job_id);
    expect(finished.state).toBe("done");
    expect(finished.counts.done).toBe(2);

    const search = await post("/api/search", {query: "print spooler stuck queue", top_k: 3});
    expect(search.status).toBe(200);
    const result = await search.json();
    expect(result.hits.length).toBeGreaterThan(0);
    expect(result.hits[0].title).toMatch(/Printer spooler/);
    expect(result.hits[0].source).toBe("printer-spooler.md");
    expect(result.hits[0].score).toBeGreaterThan(0);
    expect(result.hits[0].collection).toBe("runbooks");
    const textOnly = await (await post("/api/search", {query: "809 firewall", mode: "text", collection: "runbooks"})).json();
    expect(textOnly.effective_mode).toBe("text");
    expect(textOnly.hits[0].source).toBe("vpn-809.md");
    const elsewhere = await (await post("/api/search", {query: "809 firewall", mode: "text", collection: "other"})).json();
    expect(elsewhere.hits).toEqual([]);

    const list = await (await h.call("/api/documents")).json();
    expect(list.documents).toHaveLength(2);
    const printer = list.documents.find((d: {source: string}) => d.source === "printer-spooler.md");
    expect(printer).toMatchObject({status: "ready", kind: "markdown", collection: "runbooks"});
    expect(printer.chunk_count).toBeGreaterThan(0);
    documentId = printer.id;

    const metrics = await (await h.call("/metrics")).text();
    expect(metrics).toMatch(/deskside_imported_files_total\{result="done"\} 2/);
  });

  it("imports one file sent as the body of a PUT, streamed, with its folder and collection", async () => {
    // Short: a knowledge base grown by a quarter measures its fusion weights again, which would move later tests' rankings.
    const body = "# Badge printer jams\n\nOpen the ribbon door, remove the jammed badge and reseat the ribbon.";
    const response = await h.call(`/api/documents/${encodeURIComponent("floor-3/badge-printer.md")}?collection=Facilities`, {method: "PUT", headers: {"content-type": "application/octet-stream"}, body});
    expect(response.status).toBe(202);
    const {job_id} = await response.json();
    const finished = await waitForJob(job_id);
    expect(finished.counts.done).toBe(1);
    const documents = (await (await h.call("/api/documents")).json()).documents as {title: string; source: string; collection: string | null}[];
    const stored = documents.find((d) => d.title === "Badge printer jams")!;
    expect(stored.collection).toBe("Facilities");
    expect(stored.source).toMatch(/badge-printer\.md$/);

    // Past the upload limit (declared, or counted as it arrives), the same FILE_TOO_LARGE as multipart.
    const big = "a".repeat(300 * 1024);
    const declared = await h.call("/api/documents/big.md", {method: "PUT", headers: {"content-type": "application/octet-stream"}, body: big});
    expect(declared.status).toBe(413);
    const streamed = await h.call("/api/documents/big.md", {
      method: "PUT",
      headers: {"content-type": "application/octet-stream"},
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 30; i++) controller.enqueue(new TextEncoder().encode("b".repeat(10 * 1024)));
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await streamed.json()).error.code).toBe("FILE_TOO_LARGE");
    const wrongType = await h.call("/api/documents/x.md", {method: "PUT", headers: {"content-type": "application/json"}, body: "{}"});
    expect(wrongType.status).toBe(415);
  });

  it("rejects bad uploads with 4xx", async () => {
    const empty = new FormData();
    empty.append("collection", "x");
    expect((await h.call("/api/documents", {method: "POST", body: empty})).status).toBe(400);
    const big = new FormData();
    big.append("file", new Blob(["a".repeat(300 * 1024)]), "big.md");
    const tooBig = await h.call("/api/documents", {method: "POST", body: big});
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()).error.code).toBe("FILE_TOO_LARGE");
    const unknownField = new FormData();
    unknownField.append("file", new Blob(["# x\n\nhello"]), "x.md");
    unknownField.append("folder", "/etc");
    expect((await h.call("/api/documents", {method: "POST", body: unknownField})).status).toBe(400);
    const broken = await h.call("/api/documents", {method: "POST", headers: {"content-type": "multipart/form-data; boundary=xyz"}, body: "--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.md\"\r\n\r\nhal"});
    expect(broken.status).toBe(400);
    const noBoundary = await h.call("/api/documents", {method: "POST", headers: {"content-type": "multipart/form-data"}, body: "abc"});
    expect(noBoundary.status).toBe(400);
  });

  it("answers deskside-rag completions from the knowledge base with sources", async () => {
    const client = new OpenAI({apiKey: h.token, baseURL: `${h.url}/v1`, maxRetries: 0});
    const messages = [{role: "user" as const, content: "The print spooler is stuck and jobs pile up in the queue. How do I fix it?"}];
    const answer = (await client.chat.completions.create({model: "deskside-rag", messages, max_tokens: 20, seed: 1})) as OpenAI.ChatCompletion & {deskside: {sources: any[]; mode: string}};
    expect(answer.model).toBe("deskside-rag");
    expect(answer.deskside.sources.length).toBeGreaterThan(0);
    expect(answer.deskside.sources[0]).toMatchObject({source: "printer-spooler.md", title: expect.stringMatching(/Printer/)});
    expect(JSON.stringify(answer.deskside)).not.toContain("/tmp/");
    expect(answer.choices[0].message.content!.length).toBeGreaterThan(0);
    // Time to first token, stage by stage: every stage that ran is a measured, non-negative figure.
    const timings = (answer.deskside as unknown as {timings: Record<string, number | null>}).timings;
    for (const stage of ["redaction_ms", "retrieval_ms", "embed_ms", "retrieve_ms", "prompt_ms", "queue_ms", "first_token_ms"]) expect(timings[stage], stage).toBeGreaterThanOrEqual(0);
    expect(timings.retrieval_ms!).toBeGreaterThanOrEqual(timings.embed_ms!);

    const stream = await client.chat.completions.create({model: "deskside-rag", messages, max_tokens: 20, seed: 1, stream: true});
    const chunks: any[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    const last = chunks.at(-1);
    expect(last.choices[0].finish_reason).not.toBeNull();
    expect(last.deskside.sources[0].source).toBe("printer-spooler.md");
    expect(last.deskside.timings.first_token_ms).toBeGreaterThanOrEqual(0);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(answer.choices[0].message.content);
  });

  it("takes browser-mode uploads over /rpc/knowledge.upload beyond the JSON body limit", async () => {
    const markdown = `# Wi-Fi certificate renewal\n\n${"Renew the Wi-Fi certificate from the company portal. ".repeat(1500)}`;
    expect(markdown.length).toBeGreaterThan(64 * 1024);
    const response = await post("/rpc/knowledge.upload", {files: [{name: "wifi-cert.md", dataBase64: Buffer.from(markdown).toString("base64")}]});
    expect(response.status).toBe(200);
    const {ok, result} = await response.json();
    expect(ok).toBe(true);
    expect((await waitForJob(result.id)).counts.done).toBe(1);
    const tooBig = await post("/api/search", {query: "x".repeat(70 * 1024)});
    expect(tooBig.status).toBe(413);
  });

  it("deletes a document, then 404s for it", async () => {
    const gone = await h.call(`/api/documents/${documentId}`, {method: "DELETE"});
    expect(gone.status).toBe(200);
    expect(await gone.json()).toEqual({document_id: documentId, deleted: true});
    expect((await h.call(`/api/documents/${documentId}`, {method: "DELETE"})).status).toBe(404);
    const hits = (await (await post("/api/search", {query: "print spooler", mode: "text"})).json()).hits;
    expect(hits.every((hit: {document_id: string}) => hit.document_id !== documentId)).toBe(true);
    expect((await h.call("/api/jobs/no-such-job")).status).toBe(404);
  });
});

describe("sessions", () => {
  let sessionId: string;

  it("chats in a session that keeps its history", async () => {
    const first = await post("/api/chat", {message: "VPN error 809 when connecting from a hotel"});
    expect(first.status).toBe(200);
    const reply = await first.json();
    expect(reply).toMatchObject({session_id: expect.any(String), reply: expect.any(String), sources: expect.any(Array), mode: expect.any(String)});
    expect(reply).toHaveProperty("notice");
    sessionId = reply.session_id;
    expect(reply.sources[0]?.source).toBe("vpn-809.md");

    const second = await (await post("/api/chat", {message: "It still fails on the hotspot", session_id: sessionId})).json();
    expect(second.session_id).toBe(sessionId);
    const session = await (await h.call(`/api/sessions/${sessionId}`)).json();
    expect(session.session_id).toBe(sessionId);
    expect(session.messages.map((m: {role: string}) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(session.messages[1].content).toBe(reply.reply);
  });

  it("streams token events and a final done event", async () => {
    const response = await post("/api/chat", {message: "What do I check for VPN error 809?", session_id: sessionId, stream: true});
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = await readSse(response);
    const tokens = events.filter((e) => e.event === "token").map((e) => JSON.parse(e.data).text);
    expect(tokens.length).toBeGreaterThan(0);
    const done = events.at(-1)!;
    expect(done.event).toBe("done");
    const body = JSON.parse(done.data);
    expect(body.session_id).toBe(sessionId);
    expect(tokens.join("")).toBe(body.reply);
  });

  it("drafts a ticket from the session as JSON", async () => {
    const response = await post("/api/tickets/draft", {session_id: sessionId});
    expect(response.status).toBe(200);
    const {ticket} = await response.json();
    expect(ticket).toMatchObject({title: expect.any(String), category: expect.any(String), priority: expect.any(String), symptoms: expect.any(Array), stepsTried: expect.any(Array)});
  });

  it("resets and deletes a session; unknown sessions are 404", async () => {
    const reset = await h.call(`/api/sessions/${sessionId}/reset`, {method: "POST"});
    expect(reset.status).toBe(200);
    expect((await reset.json()).messages).toEqual([]);
    const listed = await (await h.call("/api/sessions")).json();
    expect(listed.sessions.some((s: {session_id: string}) => s.session_id === sessionId)).toBe(true);
    expect((await h.call(`/api/sessions/${sessionId}`, {method: "DELETE"})).status).toBe(200);
    expect((await h.call(`/api/sessions/${sessionId}`)).status).toBe(404);
    expect((await h.call(`/api/sessions/${sessionId}`, {method: "DELETE"})).status).toBe(404);
    expect((await post("/api/chat", {message: "hello", session_id: "missing"})).status).toBe(404);
    expect((await post("/api/tickets/draft", {session_id: "missing"})).status).toBe(404);
    expect((await h.call("/api/sessions/missing/reset", {method: "POST"})).status).toBe(404);
  });

  it("uses the same core over /rpc as the renderer does", async () => {
    const created = await (await post("/rpc/chat.create", {title: "From the browser"})).json();
    expect(created).toMatchObject({ok: true, result: {title: "From the browser"}});
    const session = await (await h.call(`/api/sessions/${created.result.id}`)).json();
    expect(session.title).toBe("From the browser");
  });
});

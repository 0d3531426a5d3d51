/**
 * Secrets a technician pastes never reach the disk or the server's output: each is planted through
 * every way a user can store text over HTTP (conversation titles at creation and on rename,
 * questions, edits, feedback comments, saved answers, the help-desk chat route), then every file in
 * the data folder — LanceDB data files and logs included — and the server's stdout/stderr are searched
 * for them. A canary planted beside them must be found, or the search would prove nothing.
 */
import fs from "node:fs";
import path from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {startServe, type ServeProcess} from "../helpers/serve-process.js";

const CANARY = "kestrel-canary-4471";
const PRIVATE_KEY_BODY = "MIIEowIBAAKCAQEAx7Rj2kQ9vLmN3pTz8wYbF4cHs6dUe1aG0iJoKrXyPqWnVt5S";
const SECRETS = {
  password: "Zebra-Quartz-7731",
  aws: "AKIAQ3EGZ7WLPX4NRT2M",
  bearer: "9f8Kq2LmZx7Pw4RtYb6Nc1VdHs3Jg5Ue",
  privateKey: PRIVATE_KEY_BODY,
};
const PASSWORD = `password=${SECRETS.password}`;
const BEARER = `Bearer ${SECRETS.bearer}`;
const KEY_BLOCK = ["-----BEGIN RSA PRIVATE KEY-----", PRIVATE_KEY_BODY, "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", "-----END RSA PRIVATE KEY-----"].join("\n");

let serve: ServeProcess | null = null;
afterAll(async () => {
  await serve?.stop("SIGKILL");
  if (serve) fs.rmSync(serve.dataDir, {recursive: true, force: true});
});

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, {withFileTypes: true}).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : entry.isFile() ? [full] : [];
  });
}

/** Where each text occurs, as UTF-8 or UTF-16 bytes. */
function occurrences(files: string[], needle: string): string[] {
  const forms = [Buffer.from(needle, "utf8"), Buffer.from(needle, "utf16le")];
  return files.filter((file) => {
    const bytes = fs.readFileSync(file);
    return forms.some((form) => bytes.includes(form));
  });
}

describe("secrets at rest (the real headless server)", () => {
  it("plants secrets through every stored text over HTTP and finds none in the data folder or the output", async () => {
    serve = await startServe();
    const s = serve;
    await s.waitFor(/Model ready: .+/);
    const headers = {authorization: `Bearer ${s.token}`, "content-type": "application/json"};
    const responses: string[] = [];
    const post = async (route: string, body: unknown) => {
      const response = await fetch(`${s.url}${route}`, {method: "POST", headers, body: JSON.stringify(body)});
      const text = await response.text();
      responses.push(text);
      expect(response.status, `${route}: ${text.slice(0, 300)}`).toBe(200);
      return JSON.parse(text);
    };
    const rpc = async (method: string, input: unknown) => (await post(`/rpc/${method}`, input)).result;
    const answered = async (conversationId: string) => {
      await expect
        .poll(async () => ((await rpc("chat.get", {id: conversationId})) as {messages: {role: string; status: string}[]}).messages.at(-1), {timeout: 60_000})
        .toMatchObject({role: "assistant", status: expect.stringMatching(/complete|stopped/)});
      return (await rpc("chat.get", {id: conversationId})) as {messages: {id: string; role: string}[]};
    };

    await rpc("settings.update", {generation: {maxTokens: 8}});

    const conversation = await rpc("chat.create", {title: `VPN ${CANARY} ${PASSWORD}`});
    await rpc("chat.rename", {id: conversation.id, title: `Keys ${CANARY} ${SECRETS.aws} ${BEARER}`});
    await rpc("chat.send", {conversationId: conversation.id, message: `vpn error 809 ${CANARY}\n${KEY_BLOCK}\n${PASSWORD} ${BEARER}`});
    await answered(conversation.id);
    await rpc("chat.editLast", {conversationId: conversation.id, message: `vpn error 809 again ${CANARY} ${SECRETS.aws} ${PASSWORD}`});
    const thread = await answered(conversation.id);
    const answer = thread.messages.filter((m) => m.role === "assistant").at(-1)!;
    await rpc("chat.feedback", {messageId: answer.id, rating: "down", comment: `${CANARY} still failing\n${KEY_BLOCK}\n${SECRETS.aws} ${BEARER}`});
    await rpc("chat.saveToKnowledge", {conversationId: conversation.id, title: `Resolved ${CANARY} ${BEARER} ${PASSWORD}`, collection: "Resolved"});

    // The help-desk route stores a session whose title comes from the question.
    const session = await post("/api/chat", {message: `printer offline ${CANARY} ${PASSWORD} ${SECRETS.aws}`});
    await answered(session.session_id);
    await post("/api/tickets/draft", {session_id: session.session_id});
    // Stateless answers store nothing but must not log what they were given either.
    await post("/v1/chat/completions", {model: "deskside-rag", max_tokens: 8, messages: [{role: "user", content: `${CANARY} ${KEY_BLOCK} ${BEARER}`}]});

    for (const text of responses) for (const [kind, secret] of Object.entries(SECRETS)) expect(text, `${kind} in a response`).not.toContain(secret);

    // Stopping flushes the log and closes the stores, so everything written is on disk.
    expect((await s.stop("SIGTERM")).code).toBe(0);
    const files = filesUnder(s.dataDir);
    expect(files.some((file) => file.includes(`${path.sep}lancedb${path.sep}`))).toBe(true);
    expect(occurrences(files, CANARY).some((file) => file.includes(`${path.sep}lancedb${path.sep}`))).toBe(true);
    for (const [kind, secret] of Object.entries(SECRETS)) {
      expect(occurrences(files, secret).map((file) => path.relative(s.dataDir, file)), kind).toEqual([]);
      expect(s.output(), kind).not.toContain(secret);
    }
    // Nor the API token (the stored one is generated; this run's came from DESKSIDE_API_TOKEN).
    expect(s.output()).not.toContain(s.token);
    expect(s.output()).toMatch(/API token: .*DESKSIDE_API_TOKEN/);
  });
});

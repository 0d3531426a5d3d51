/** The conversation store on a real LanceDB folder: who owns each conversation, and history written before owners existed. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import * as lancedb from "@lancedb/lancedb";
import {Field, Schema, Utf8} from "apache-arrow";
import {afterEach, describe, expect, it} from "vitest";
import type {StoredMessage} from "../../../shared/chat.js";
import {ConversationStore} from "./conversation-store.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, {recursive: true, force: true});
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-history-"));
  dirs.push(dir);
  return dir;
}

const utf8Schema = (names: string[]) => new Schema(names.map((name) => new Field(name, new Utf8(), false)));

function message(conversationId: string): StoredMessage {
  return {id: `m-${conversationId}`, conversationId, role: "user", content: "VPN error 809", createdAt: "2025-01-01T00:00:01.000Z", status: "complete", mode: null, sources: [], redactions: [], metrics: null, feedback: null, notice: null, error: null};
}

describe("ConversationStore owners", () => {
  it("gives conversations written before owners existed to the local owner, and adds the column once", async () => {
    const dir = tempDir();
    // The history as an earlier version wrote it: no owner column.
    const db = await lancedb.connect(dir);
    await db.createTable("conversations", lancedb.makeArrowTable([{id: "c-old", title: "Old one", created_at: "2025-01-01T00:00:00.000Z", updated_at: "2025-01-01T00:00:01.000Z"}], {schema: utf8Schema(["id", "title", "created_at", "updated_at"])}));
    const m = message("c-old");
    await db.createTable("messages", lancedb.makeArrowTable([{id: m.id, conversation_id: m.conversationId, created_at: m.createdAt, body: JSON.stringify(m)}], {schema: utf8Schema(["id", "conversation_id", "created_at", "body"])}));
    db.close();

    let store = await ConversationStore.open(dir);
    expect(store.health.notes).toEqual([]);
    expect(store.ownerOf("c-old")).toBe("local");
    expect(store.list("local").map((c) => [c.id, c.messageCount])).toEqual([["c-old", 1]]);
    expect(store.list("tok_alice")).toEqual([]);
    await store.saveConversation({id: "c-alice", title: "Alice's", createdAt: "2025-02-01T00:00:00.000Z", updatedAt: "2025-02-01T00:00:00.000Z", messageCount: 0}, "tok_alice");
    // Renaming (a save without an owner) never moves a conversation to another owner.
    await store.saveConversation({...store.summary("c-alice"), title: "Renamed"});
    await store.close();

    const reopened = await lancedb.connect(dir);
    const table = await reopened.openTable("conversations");
    expect((await table.schema()).fields.map((f) => f.name)).toContain("owner");
    expect(await table.query().select(["id", "owner"]).toArray()).toEqual(
      expect.arrayContaining([expect.objectContaining({id: "c-old", owner: "local"}), expect.objectContaining({id: "c-alice", owner: "tok_alice"})]),
    );
    table.close();
    reopened.close();

    store = await ConversationStore.open(dir);
    expect(store.ownerOf("c-old")).toBe("local");
    expect(store.ownerOf("c-alice")).toBe("tok_alice");
    expect(store.summary("c-alice").title).toBe("Renamed");
    expect(store.list("tok_alice").map((c) => c.id)).toEqual(["c-alice"]);
    expect(store.ownerOf("no-such")).toBeNull();
    await store.deleteConversation("c-alice");
    expect(store.ownerOf("c-alice")).toBeNull();
    await store.close();
  });
});

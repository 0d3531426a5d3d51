import * as lancedb from "@lancedb/lancedb";
import {Field, Schema, Utf8} from "apache-arrow";
import {DesksideError} from "../../../shared/errors.js";
import {LOCAL_OWNER} from "../../../shared/api-tokens.js";
import {moveTableAside, openTableRepaired, readRows} from "../storage/table-repair.js";
import type {ConversationSummary, EarlierSummary, StoredMessage} from "../../../shared/chat.js";
import {lancedbSession} from "../storage/lancedb-session.js";

const CONVERSATIONS = "conversations";
const MESSAGES = "messages";
/** One summary of the earlier messages per conversation (id: the conversation's id). */
const SUMMARIES = "earlier_summaries";

/** `owner`: the API token that started the conversation (LOCAL_OWNER: the main token and the desktop app). */
function conversationsSchema(): Schema {
  return new Schema(["id", "title", "created_at", "updated_at", "owner"].map((name) => new Field(name, new Utf8(), false)));
}

/**
 * Columns added after a table was first written, with the value its existing rows get. Conversations
 * from before named tokens were all made by the owner.
 */
const ADDED_COLUMNS: Record<string, Record<string, string>> = {
  [CONVERSATIONS]: {owner: LOCAL_OWNER},
};

/** Messages keep their structured parts (sources, metrics, feedback) as one JSON column: read whole, never queried by field. */
function messagesSchema(): Schema {
  return new Schema(["id", "conversation_id", "created_at", "body"].map((name) => new Field(name, new Utf8(), false)));
}

function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

type ConversationRow = {id: string; title: string; created_at: string; updated_at: string; owner?: string};

/** What opening the history found damaged: sentences for the log, and how much was lost. */
export interface HistoryHealth {
  notes: string[];
  lostConversations: number;
  lostMessages: number;
  /** Tables that could not be opened at all (moved aside; what they held is not counted above). */
  unreadableTables: string[];
}

/**
 * One history table, read whole, or what is left of it: rows still readable (or found in an earlier
 * version) are written back as the table's new version; a table that cannot be opened is moved aside.
 */
async function openHistoryTable(
  db: lancedb.Connection,
  name: string,
  schema: Schema,
  names: string[],
  localRoot: string | null,
  health: HistoryHealth,
): Promise<{table: lancedb.Table; rows: Record<string, unknown>[]; lost: number}> {
  if (names.includes(name)) {
    const opened = await openTableRepaired(db, name, localRoot);
    health.notes.push(...opened.notes);
    if (opened.table) {
      // A table written by an earlier version lacks the columns added since: read what it has.
      const present = new Set((await opened.table.schema()).fields.map((field) => field.name));
      const added = ADDED_COLUMNS[name] ?? {};
      const missing = Object.keys(added).filter((column) => !present.has(column));
      const read = await readRows(opened.table, schema.fields.map((field) => field.name).filter((column) => !missing.includes(column)), "id");
      health.notes.push(...read.notes);
      const rows = read.rows.map((row) => Object.fromEntries(schema.fields.map((field) => [field.name, String(row[field.name] ?? added[field.name] ?? "")])));
      if (!read.complete) await opened.table.add(lancedb.makeArrowTable(rows, {schema}), {mode: "overwrite"});
      else if (missing.length > 0) await opened.table.addColumns(missing.map((column) => ({name: column, valueSql: `'${added[column].replace(/'/g, "''")}'`})));
      return {table: opened.table, rows, lost: read.lost};
    }
    const aside = moveTableAside(localRoot, name);
    health.notes.push(aside ? `table "${name}" was moved aside as "${aside}"; it starts empty` : `table "${name}" is replaced by an empty one`);
    if (!aside) await db.dropTable(name).catch(() => undefined);
    health.unreadableTables.push(name);
    return {table: await db.createEmptyTable(name, schema), rows: [], lost: 0};
  }
  return {table: await db.createEmptyTable(name, schema), rows: [], lost: 0};
}

/**
 * Conversations and messages in the local LanceDB store. Everything is also held in memory (a
 * technician's history is small) so listing and reading never wait on disk; writes go through one
 * queue so a rename and a new message never race.
 */
export class ConversationStore {
  private conversations = new Map<string, ConversationSummary>();
  /** Who each conversation belongs to (an API token's id, or LOCAL_OWNER). */
  private owners = new Map<string, string>();
  private messages = new Map<string, StoredMessage[]>();
  private summaries = new Map<string, EarlierSummary>();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly conversationTable: lancedb.Table,
    private readonly messageTable: lancedb.Table,
    private readonly summaryTable: lancedb.Table,
    /** What opening found damaged and recovered; empty notes when nothing was. */
    readonly health: HistoryHealth,
  ) {}

  /**
   * Opens the history; a damaged table keeps what can still be read (see table-repair.ts) and one
   * that cannot be opened at all is moved aside and started anew, so damaged history never stops
   * the app. `uri` "memory://" keeps history for this session only.
   */
  static async open(uri: string): Promise<ConversationStore> {
    try {
      const db = await lancedb.connect(uri, {}, lancedbSession());
      const localRoot = /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) ? null : uri;
      const names = await db.tableNames();
      const health: HistoryHealth = {notes: [], lostConversations: 0, lostMessages: 0, unreadableTables: []};
      const conversations = await openHistoryTable(db, CONVERSATIONS, conversationsSchema(), names, localRoot, health);
      const messages = await openHistoryTable(db, MESSAGES, messagesSchema(), names, localRoot, health);
      // Same shape as messages: a summary is rebuilt from the messages if it is ever lost.
      const summaries = await openHistoryTable(db, SUMMARIES, messagesSchema(), names, localRoot, health);
      health.lostConversations = conversations.lost;
      health.lostMessages = messages.lost;
      const store = new ConversationStore(conversations.table, messages.table, summaries.table, health);
      store.load(conversations.rows as ConversationRow[], messages.rows as {conversation_id: string; body: string}[]);
      store.loadSummaries(summaries.rows as {conversation_id: string; body: string}[]);
      return store;
    } catch (error) {
      throw new DesksideError("STORE_ERROR", `The conversation history could not be opened: ${(error as Error).message}`, {cause: error});
    }
  }

  private load(rows: ConversationRow[], messageRows: {conversation_id: string; body: string}[]): void {
    for (const row of rows) {
      this.conversations.set(row.id, {id: row.id, title: row.title, createdAt: row.created_at, updatedAt: row.updated_at, messageCount: 0});
      this.owners.set(row.id, row.owner || LOCAL_OWNER);
    }
    for (const row of messageRows) {
      if (!this.conversations.has(row.conversation_id)) continue;
      let message: StoredMessage;
      try {
        message = JSON.parse(row.body) as StoredMessage;
      } catch {
        // one damaged message body is one lost message, not a lost history
        this.health.lostMessages++;
        continue;
      }
      const list = this.messages.get(row.conversation_id) ?? [];
      list.push(message);
      this.messages.set(row.conversation_id, list);
    }
    for (const [id, list] of this.messages) {
      list.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      this.conversations.get(id)!.messageCount = list.length;
    }
  }

  private loadSummaries(rows: {conversation_id: string; body: string}[]): void {
    for (const row of rows) {
      if (!this.conversations.has(row.conversation_id)) continue;
      try {
        this.summaries.set(row.conversation_id, JSON.parse(row.body) as EarlierSummary);
      } catch {
        // A damaged summary is written again from the messages when it is next needed.
      }
    }
  }

  /** The summary of the conversation's earlier messages, if they were ever summarised. */
  earlierSummary(conversationId: string): EarlierSummary | null {
    return this.summaries.get(conversationId) ?? null;
  }

  async saveEarlierSummary(conversationId: string, summary: EarlierSummary): Promise<void> {
    this.summary(conversationId);
    this.summaries.set(conversationId, summary);
    await this.write(async () => {
      await this.summaryTable.delete(`id = ${quote(conversationId)}`);
      await this.summaryTable.add([{id: conversationId, conversation_id: conversationId, created_at: summary.createdAt, body: JSON.stringify(summary)}]);
    });
  }

  private async dropEarlierSummary(conversationId: string): Promise<void> {
    if (!this.summaries.delete(conversationId)) return;
    await this.summaryTable.delete(`id = ${quote(conversationId)}`);
  }

  private write<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run.catch((error) => {
      throw new DesksideError("STORE_ERROR", `The conversation history could not be saved: ${(error as Error).message}`, {cause: error});
    });
  }

  /** Newest first; with an owner, only that owner's. */
  list(owner?: string): ConversationSummary[] {
    return [...this.conversations.values()]
      .filter((c) => owner === undefined || this.owners.get(c.id) === owner)
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .map((c) => ({...c}));
  }

  count(): number {
    return this.conversations.size;
  }

  /** The conversation's owner; null when there is no such conversation. */
  ownerOf(id: string): string | null {
    return this.conversations.has(id) ? (this.owners.get(id) ?? LOCAL_OWNER) : null;
  }

  summary(id: string): ConversationSummary {
    const found = this.conversations.get(id);
    if (!found) throw new DesksideError("NOT_FOUND", "That conversation does not exist (it may have been deleted).");
    return {...found};
  }

  messagesOf(id: string): StoredMessage[] {
    this.summary(id);
    return (this.messages.get(id) ?? []).map((m) => structuredClone(m));
  }

  findMessage(messageId: string): StoredMessage | null {
    for (const list of this.messages.values()) {
      const found = list.find((m) => m.id === messageId);
      if (found) return structuredClone(found);
    }
    return null;
  }

  /** Inserts or updates a conversation; `owner` is taken from a new one, and never changes after. */
  async saveConversation(summary: ConversationSummary, owner: string = LOCAL_OWNER): Promise<void> {
    const kept = this.owners.get(summary.id) ?? owner;
    this.conversations.set(summary.id, {...summary, messageCount: this.messages.get(summary.id)?.length ?? 0});
    this.owners.set(summary.id, kept);
    await this.write(() =>
      this.conversationTable
        .mergeInsert("id")
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute([{id: summary.id, title: summary.title, created_at: summary.createdAt, updated_at: summary.updatedAt, owner: kept}]),
    );
  }

  /** Inserts or replaces a message and bumps the conversation's updatedAt. */
  async saveMessage(message: StoredMessage): Promise<void> {
    const summary = this.summary(message.conversationId);
    const list = this.messages.get(message.conversationId) ?? [];
    const index = list.findIndex((m) => m.id === message.id);
    if (index >= 0) list[index] = structuredClone(message);
    else list.push(structuredClone(message));
    this.messages.set(message.conversationId, list);
    await this.write(() =>
      this.messageTable
        .mergeInsert("id")
        .whenMatchedUpdateAll()
        .whenNotMatchedInsertAll()
        .execute([{id: message.id, conversation_id: message.conversationId, created_at: message.createdAt, body: JSON.stringify(message)}]),
    );
    await this.saveConversation({...summary, updatedAt: new Date().toISOString()});
  }

  async deleteMessages(conversationId: string, messageIds: string[]): Promise<void> {
    if (messageIds.length === 0) return;
    const list = this.messages.get(conversationId) ?? [];
    this.messages.set(conversationId, list.filter((m) => !messageIds.includes(m.id)));
    const summary = this.conversations.get(conversationId);
    if (summary) summary.messageCount = this.messages.get(conversationId)!.length;
    await this.write(() => this.messageTable.delete(`id IN (${messageIds.map(quote).join(", ")})`));
  }

  async clearMessages(conversationId: string): Promise<void> {
    this.messages.set(conversationId, []);
    const summary = this.conversations.get(conversationId);
    if (summary) summary.messageCount = 0;
    await this.write(async () => {
      await this.messageTable.delete(`conversation_id = ${quote(conversationId)}`);
      await this.dropEarlierSummary(conversationId);
    });
  }

  async deleteConversation(id: string): Promise<void> {
    this.summary(id);
    this.conversations.delete(id);
    this.owners.delete(id);
    this.messages.delete(id);
    await this.write(async () => {
      await this.messageTable.delete(`conversation_id = ${quote(id)}`);
      await this.dropEarlierSummary(id);
      await this.conversationTable.delete(`id = ${quote(id)}`);
    });
  }

  async close(): Promise<void> {
    await this.queue;
    this.conversationTable.close();
    this.messageTable.close();
    this.summaryTable.close();
  }
}

import fs from "node:fs";
import path from "node:path";
import {defaultSettings} from "../../shared/settings.js";
import type {StoredMessage} from "../../shared/chat.js";
import {ConversationStore} from "../../electron/core/chat/conversation-store.js";
import {createKnowledgeService} from "../../electron/core/knowledge/knowledge-service.js";
import {KnowledgeStore} from "../../electron/core/knowledge/store.js";
import {FIXTURE_EMBEDDER_DIR} from "./fixtures.js";

/**
 * A data folder with real content, built once, copied for each damage case: nine documents in
 * three imports (eight from files that stay on disk, one uploaded), and three conversations.
 */

export const MARKERS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"];
export const UPLOADED_TITLE = "Uploaded india notes";
export const CONVERSATIONS = 3;
export const MESSAGES_PER_CONVERSATION = 2;

function article(marker: string, index: number): string {
  const sections = Array.from(
    {length: 4},
    (_, s) => `## Step ${s + 1}\n\nThe ${marker} procedure checks the ${marker} gateway, restarts the ${marker} service and clears cache ${index * 10 + s}. `.repeat(3),
  );
  return `# Runbook ${marker}\n\n${sections.join("\n\n")}\n`;
}

/** Builds the folder; returns the folder of source files the first eight documents came from. */
export async function buildDamageTemplate(template: string, sources: string): Promise<void> {
  fs.mkdirSync(sources, {recursive: true});
  const files = MARKERS.slice(0, 8).map((marker, i) => {
    const file = path.join(sources, `${i + 1}-${marker}.md`);
    fs.writeFileSync(file, article(marker, i));
    return file;
  });
  const service = await createKnowledgeService({dataDir: template, embeddingModelDirs: [], embeddingModel: FIXTURE_EMBEDDER_DIR, settings: defaultSettings().knowledge});
  try {
    // Three commits of the kind users make: a folder, a later folder, an upload. Each import job
    // compacts the table, so the latest version's passages sit in one file.
    await service.waitForJob((await service.importPaths(files.slice(0, 5))).id);
    await service.waitForJob((await service.importPaths(files.slice(5))).id);
    const upload = new TextEncoder().encode(article("india", 8).replace("# Runbook india", `# ${UPLOADED_TITLE}`));
    await service.waitForJob((await service.importBuffers([{name: "uploaded-india.md", bytes: upload}])).id);
  } finally {
    await service.close();
  }
  const history = await ConversationStore.open(path.join(template, "lancedb"));
  try {
    for (let c = 0; c < CONVERSATIONS; c++) {
      const now = new Date(Date.UTC(2026, 0, 1, 10, c)).toISOString();
      await history.saveConversation({id: `conv-${c}`, title: `Printer case ${c}`, createdAt: now, updatedAt: now, messageCount: 0});
      for (let m = 0; m < MESSAGES_PER_CONVERSATION; m++) await history.saveMessage(message(`conv-${c}`, `msg-${c}-${m}`, m === 0 ? "user" : "assistant", new Date(Date.UTC(2026, 0, 1, 10, c, m + 1)).toISOString()));
    }
  } finally {
    await history.close();
  }
}

function message(conversationId: string, id: string, role: "user" | "assistant", createdAt: string): StoredMessage {
  return {id, conversationId, role, content: `${role} says the printer is offline`, createdAt, status: "complete", mode: null, sources: [], redactions: [], metrics: null, feedback: null, notice: null, error: null};
}

export interface FolderState {
  ready: string[];
  /** Titles of documents listed as failed because their passages were lost. */
  lost: string[];
  /** Ready documents whose passages are not all there or not found by search (must stay empty). */
  broken: string[];
  conversations: number;
  messages: number;
  notes: string[];
}

/** Opens the folder as the app would and checks every ready document is whole and searchable. */
export async function inspectFolder(dataDir: string): Promise<FolderState> {
  const store = await KnowledgeStore.open({uri: path.join(dataDir, "lancedb")});
  const state: FolderState = {ready: [], lost: [], broken: [], conversations: 0, messages: 0, notes: []};
  try {
    state.notes.push(...store.health().notes);
    for (const doc of store.listDocuments()) {
      if (doc.status === "failed") {
        if (doc.error?.code === "STORE_DAMAGED") state.lost.push(doc.title);
        continue;
      }
      state.ready.push(doc.title);
      const chunks = await store.documentChunks(doc.id, 0, Number.MAX_SAFE_INTEGER);
      const marker = MARKERS.find((m) => doc.title.toLowerCase().includes(m))!;
      const hits = await store.textSearch(`${marker} gateway`, {limit: 50});
      if (chunks.length !== doc.chunkCount || !hits.some((hit) => hit.documentId === doc.id)) state.broken.push(doc.title);
    }
  } finally {
    await store.close();
  }
  const history = await ConversationStore.open(path.join(dataDir, "lancedb"));
  try {
    state.notes.push(...history.health.notes);
    const list = history.list();
    state.conversations = list.length;
    state.messages = list.reduce((sum, c) => sum + history.messagesOf(c.id).length, 0);
  } finally {
    await history.close();
  }
  return state;
}

/** The files of one kind in a table's folder, newest last by name order where it matters. */
export function tableFiles(dataDir: string, table: string): {folder: string; data: string[]; manifests: string[]; transactions: string[]; indexes: string[]} {
  const lancedb = path.join(dataDir, "lancedb");
  const name = table === "chunks" ? activeChunksTable(dataDir) : table;
  const folder = path.join(lancedb, `${name}.lance`);
  const list = (sub: string) => {
    const dir = path.join(folder, sub);
    return fs.existsSync(dir) ? fs.readdirSync(dir, {recursive: true, withFileTypes: true}).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)) : [];
  };
  // Manifest names count down from u64 max: the newest version has the smallest number.
  const manifests = list("_versions")
    .filter((file) => file.endsWith(".manifest"))
    .sort((a, b) => (BigInt(path.basename(b).split(".")[0]) < BigInt(path.basename(a).split(".")[0]) ? -1 : 1));
  const data = list("data").sort((a, b) => fs.statSync(a).mtimeMs - fs.statSync(b).mtimeMs || a.localeCompare(b));
  return {folder, data, manifests, transactions: list("_transactions"), indexes: list("_indices")};
}

export function activeChunksTable(dataDir: string): string {
  const names = fs.readdirSync(path.join(dataDir, "lancedb")).filter((name) => name.startsWith("chunks") && name.endsWith(".lance"));
  if (names.length !== 1) throw new Error(`expected one chunks table, found ${names.join(", ")}`);
  return names[0].replace(/\.lance$/, "");
}

export function truncate(file: string): void {
  const size = fs.statSync(file).size;
  fs.truncateSync(file, Math.floor(size / 3));
}

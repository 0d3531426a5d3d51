import fs from "node:fs";
import path from "node:path";
import type {Settings} from "../../../shared/settings.js";
import {ConversationStore, type HistoryHealth} from "../chat/conversation-store.js";
import {createKnowledgeService, type KnowledgeDocumentInfo} from "../knowledge/knowledge-service.js";
import type {StoreHealth} from "../knowledge/store-open.js";
import {LOST_PASSAGES_ERROR} from "../knowledge/store-schema.js";

/**
 * Checks and repairs a data folder. Opening the knowledge base and the history already repairs
 * what can be repaired in place (see store-open.ts, table-repair.ts); the doctor reports that,
 * re-imports documents whose passages were lost from their source files when those still exist,
 * and says plainly what cannot be recovered.
 */

export interface DoctorOptions {
  dataDir: string;
  /** A store location other than `<dataDir>/lancedb` (settings.knowledge.storeUri). */
  storeUri?: string | null;
  embeddingModelDirs: string[];
  embeddingModel?: string | null;
  settings: Settings["knowledge"];
  /** False: check and report only; nothing is re-imported. */
  repair: boolean;
}

export interface DocumentRef {
  title: string;
  source: string;
}

export interface DoctorReport {
  /** What opening found and did, one sentence each. */
  findings: string[];
  knowledge: StoreHealth;
  history: HistoryHealth | null;
  /** The history could not be opened at all (why). */
  historyError: string | null;
  readyDocuments: number;
  /** Documents whose passages are gone (before any re-import). */
  lostDocuments: DocumentRef[];
  reimported: DocumentRef[];
  unrecoverable: (DocumentRef & {reason: string})[];
  /** Nothing lost, or everything lost was restored. */
  healthy: boolean;
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const knowledge = await createKnowledgeService({
    dataDir: options.dataDir,
    storeUri: options.storeUri,
    embeddingModelDirs: options.embeddingModelDirs,
    embeddingModel: options.embeddingModel,
    settings: options.settings,
  });
  const report: DoctorReport = {
    findings: [],
    knowledge: knowledge.storeHealth(),
    history: null,
    historyError: null,
    readyDocuments: 0,
    lostDocuments: [],
    reimported: [],
    unrecoverable: [],
    healthy: true,
  };
  try {
    report.findings.push(...report.knowledge.notes);
    if (report.knowledge.orphanDocuments)
      report.findings.push(`${report.knowledge.orphanDocuments} documents had passages but no entry (an interrupted import); those passages were removed`);
    const lost = knowledge.listDocuments().filter(isLost);
    report.lostDocuments = lost.map(ref);

    if (options.repair && lost.length > 0) {
      const restorable = lost.filter((doc) => sourceFileExists(doc.sourcePath));
      for (const doc of lost) if (!restorable.includes(doc)) report.unrecoverable.push({...ref(doc), reason: whyNotRestorable(doc)});
      // One job per collection and origin, so every document goes back where it was.
      const groups = new Map<string, KnowledgeDocumentInfo[]>();
      for (const doc of restorable) {
        const key = JSON.stringify([doc.collection, doc.origin === "recovered" ? "import" : doc.origin]);
        groups.set(key, [...(groups.get(key) ?? []), doc]);
      }
      for (const [key, docs] of groups) {
        const [collection, origin] = JSON.parse(key) as [string | null, string];
        const job = await knowledge.importPaths(
          docs.map((doc) => doc.sourcePath),
          {collection, origin},
        );
        const finished = await knowledge.waitForJob(job.id);
        finished.files.forEach((file, i) => {
          const doc = docs[i];
          if (file.state === "done" || file.state === "skipped") report.reimported.push(ref(doc));
          else report.unrecoverable.push({...ref(doc), reason: file.error ? `${file.error.code}: ${file.error.message}` : `import ${file.state}`});
        });
      }
    } else if (!options.repair) {
      for (const doc of lost) if (!sourceFileExists(doc.sourcePath)) report.unrecoverable.push({...ref(doc), reason: whyNotRestorable(doc)});
    }
    report.readyDocuments = knowledge.listDocuments().filter((doc) => doc.status === "ready").length;
  } finally {
    await knowledge.close();
  }

  try {
    // Conversations always stay in the local folder, whatever the knowledge store's location.
    const history = await ConversationStore.open(path.join(options.dataDir, "lancedb"));
    report.history = history.health;
    report.findings.push(...history.health.notes);
    await history.close();
  } catch (error) {
    report.historyError = (error as Error).message;
  }

  const historyLost = report.history ? report.history.lostConversations + report.history.lostMessages + report.history.unreadableTables.length : 0;
  const stillLost = options.repair ? report.unrecoverable.length : report.lostDocuments.length;
  report.healthy = stillLost === 0 && historyLost === 0 && report.historyError === null;
  return report;
}

function isLost(doc: KnowledgeDocumentInfo): boolean {
  return doc.status === "failed" && doc.error?.code === LOST_PASSAGES_ERROR.code;
}

function ref(doc: KnowledgeDocumentInfo): DocumentRef {
  return {title: doc.title, source: doc.sourcePath};
}

function sourceFileExists(source: string): boolean {
  if (!path.isAbsolute(source)) return false;
  try {
    return fs.statSync(source).isFile();
  } catch {
    return false;
  }
}

function whyNotRestorable(doc: KnowledgeDocumentInfo): string {
  if (!path.isAbsolute(doc.sourcePath)) return "it was uploaded or saved from a conversation, so no copy exists on this machine; upload or save it again";
  return "its source file no longer exists at that path; import it again from wherever it is now";
}

/** The report as the lines `npm run doctor` prints. */
export function formatReport(report: DoctorReport, repair: boolean): string[] {
  const lines: string[] = [];
  if (report.findings.length === 0) lines.push("Knowledge base and history: every table was read whole; nothing needed repair.");
  else for (const finding of report.findings) lines.push(`- ${finding}`);
  lines.push(`Documents ready: ${report.readyDocuments}.`);
  if (report.lostDocuments.length) {
    lines.push(`Documents whose passages were lost: ${report.lostDocuments.length}.`);
    for (const doc of report.lostDocuments) lines.push(`  - ${doc.title} (${doc.source})`);
  }
  if (repair && report.reimported.length) {
    lines.push(`Re-imported from their source files: ${report.reimported.length}.`);
    for (const doc of report.reimported) lines.push(`  - ${doc.title}`);
  }
  if (report.unrecoverable.length) {
    lines.push(`Cannot be restored here: ${report.unrecoverable.length}.`);
    for (const doc of report.unrecoverable) lines.push(`  - ${doc.title} (${doc.source}): ${doc.reason}`);
  }
  if (report.history) {
    const {lostConversations, lostMessages, unreadableTables} = report.history;
    if (unreadableTables.length) lines.push(`History: ${unreadableTables.join(" and ")} could not be read and started empty (the damaged copy was kept beside it).`);
    if (lostConversations || lostMessages) lines.push(`History: ${lostConversations} conversations and ${lostMessages} messages could not be recovered.`);
  } else if (report.historyError) {
    lines.push(`History could not be opened: ${report.historyError}`);
  }
  if (!repair && report.lostDocuments.length) lines.push("Run `npm run doctor` without --check to re-import what can be restored.");
  lines.push(report.healthy ? "Result: healthy." : "Result: some data could not be restored (listed above).");
  return lines;
}

/**
 * What the REST routes return for core objects: snake_case like the rest of the HTTP API, and
 * source file names instead of full local paths (tools get what they need to cite a runbook
 * without learning the technician's folder layout).
 */
import type {AnswerMetrics, Citation, Conversation, StoredMessage} from "../../../shared/chat.js";
import type {DocumentText} from "../../../shared/contract.js";
import path from "node:path";
import type {ImportJob, KnowledgeDocument, SearchHit, SearchResult, WatchedFolder} from "../../../shared/knowledge.js";

export function sourceName(sourcePath: string): string {
  const parts = sourcePath.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? sourcePath;
}

export function citationView(c: Citation) {
  return {
    index: c.index,
    document_id: c.documentId,
    chunk_id: c.chunkId,
    title: c.title,
    source: sourceName(c.sourcePath),
    heading_path: c.headingPath,
    page: c.page,
    row: c.row,
    snippet: c.snippet,
    score: c.score,
    ocr: c.ocr === true,
    ...(c.passage && {passage: {text: c.passage.text, highlight: c.passage.highlight}}),
  };
}

export function hitView(h: SearchHit) {
  return {
    chunk_id: h.chunkId,
    document_id: h.documentId,
    title: h.title,
    source: sourceName(h.sourcePath),
    heading_path: h.headingPath,
    page: h.page,
    row: h.row,
    text: h.text,
    collection: h.collection,
    score: h.score,
    scores: h.scores,
    ocr: h.ocr === true,
    ...(h.passage && {passage: {text: h.passage.text, from_ordinal: h.passage.fromOrdinal, to_ordinal: h.passage.toOrdinal, highlight: h.passage.highlight}}),
  };
}

export function searchView(result: SearchResult) {
  const timings = result.timings;
  return {
    hits: result.hits.map(hitView),
    mode: result.mode,
    effective_mode: result.effectiveMode,
    took_ms: result.tookMs,
    timings: timings ? {embed_ms: timings.embedMs, retrieve_ms: timings.retrieveMs, ...(timings.rerankMs !== undefined && {rerank_ms: timings.rerankMs})} : null,
    reranker: result.reranker ?? null,
    notice: result.notice ?? null,
  };
}

/**
 * Where a grounded answer's time went before its first token, stage by stage (ms): redaction,
 * the search (query embedding, retrieval, re-ranking), fitting the prompt, waiting for a free
 * sequence, and the model's prompt evaluation up to the first token.
 */
export function answerTimingsView(m: AnswerMetrics) {
  const t = m.timings;
  const round = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : Math.round(ms * 100) / 100);
  return {
    redaction_ms: round(m.redactionMs),
    retrieval_ms: round(m.retrievalMs),
    embed_ms: round(m.search?.embedMs),
    retrieve_ms: round(m.search?.retrieveMs),
    rerank_ms: round(m.search?.rerankMs),
    prompt_ms: round(m.promptMs),
    queue_ms: round(t?.queueMs),
    first_token_ms: round(t?.timeToFirstTokenMs),
    tokens_per_second: round(t?.tokensPerSecond),
  };
}

export function documentTextView(d: DocumentText) {
  return {document: documentView(d.document), text: d.text, highlight: d.highlight, truncated: d.truncated};
}

export function documentView(d: KnowledgeDocument & {error?: {code: string; message: string} | null}) {
  return {
    id: d.id,
    title: d.title,
    source: sourceName(d.sourcePath),
    kind: d.kind,
    mime: d.mime,
    collection: d.collection,
    chunk_count: d.chunkCount,
    size_bytes: d.sizeBytes,
    imported_at: d.importedAt,
    status: d.status,
    origin: d.origin,
    error: d.error ?? null,
    notes: d.notes,
  };
}

export function jobView(job: ImportJob) {
  return {
    id: job.id,
    state: job.state,
    origin: job.origin ?? "import",
    created_at: job.createdAt,
    finished_at: job.finishedAt,
    counts: job.counts,
    files: job.files.map((f) => ({
      name: sourceName(f.path),
      state: f.state,
      document_id: f.documentId ?? null,
      chunks: f.chunks ?? null,
      done: f.done ?? null,
      total: f.total ?? null,
      ocr: f.ocr ?? null,
      reason: f.reason ?? null,
      warnings: f.warnings ?? [],
      error: f.error ?? null,
    })),
    warnings: job.warnings.map((w) => ({name: sourceName(w.path), code: w.code, message: w.message})),
  };
}

export function messageView(m: StoredMessage) {
  return {
    id: m.id,
    role: m.role,
    content: m.content,
    created_at: m.createdAt,
    status: m.status,
    mode: m.mode,
    sources: m.sources.map(citationView),
    notice: m.notice,
    error: m.error,
  };
}

export function sessionView(c: Conversation) {
  const earlier = c.earlier ? {text: c.earlier.text, covers: c.earlier.covers, by: c.earlier.by, created_at: c.earlier.createdAt} : null;
  return {session_id: c.id, title: c.title, created_at: c.createdAt, updated_at: c.updatedAt, message_count: c.messageCount, earlier, messages: c.messages.map(messageView)};
}

/** The answer to POST /api/chat. */
export function replyView(sessionId: string, m: StoredMessage) {
  return {session_id: sessionId, reply: m.content, sources: m.sources.map(citationView), mode: m.mode, notice: m.notice};
}

/** A watched folder; its files are named by their path inside it. */
export function folderView(folder: WatchedFolder) {
  return {
    id: folder.id,
    path: folder.path,
    collection: folder.collection,
    state: folder.state,
    paused: folder.paused,
    files: folder.files,
    documents: folder.documents,
    failed: folder.failed,
    pending: folder.pending,
    added_at: folder.addedAt,
    last_sync_at: folder.lastSyncAt,
    last_scan_at: folder.lastScanAt,
    error: folder.error,
    errors: folder.errors.map((problem) => ({file: path.relative(folder.path, problem.path) || ".", code: problem.code, message: problem.message})),
    left_out: folder.leftOutCount,
    left_out_files: folder.leftOut.map((file) => ({file: path.relative(folder.path, file.path) || ".", code: file.code, message: file.message})),
  };
}

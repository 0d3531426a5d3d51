import {DesksideError} from "../../../shared/errors.js";
import type {KnowledgeService} from "./knowledge-service.js";

/**
 * Stands in for the knowledge base when it could not be opened at all (an unreadable folder, a
 * storage error that repair could not get past), so the rest of the app — chat history, models,
 * the API — still starts. Reads answer empty with the reason as the notice; changes fail with
 * STORE_DAMAGED (or STORE_UNREACHABLE for a shared store that did not answer) and the same reason.
 * The full cause is in the log.
 */
export function createUnavailableKnowledgeService(reason: string, storeUri: string, cause: "damaged" | "unreachable" = "damaged"): KnowledgeService {
  const message =
    cause === "unreachable"
      ? `The shared knowledge base at ${storeUri} cannot be reached (${reason}); Deskside keeps trying to open it, and search and import work once it answers. Chat and history still work.`
      : `The knowledge base could not be opened (${reason}); chat and history still work. Run npm run doctor, or see the log for details.`;
  const fail = async (): Promise<never> => {
    throw new DesksideError(cause === "unreachable" ? "STORE_UNREACHABLE" : "STORE_DAMAGED", message);
  };
  return {
    importPaths: fail,
    importBuffers: fail,
    getJob: () => null,
    listJobs: () => [],
    waitForJob: fail,
    cancelJob: () => false,
    onProgress: () => () => undefined,
    listDocuments: () => [],
    getDocument: () => null,
    getChunk: async () => null,
    deleteDocument: fail,
    deleteDocuments: fail,
    setCollection: fail,
    moveDocuments: fail,
    search: fail,
    calibrate: async () => null,
    buildLatentIndex: async () => null,
    stats: async () => ({
      documents: 0,
      chunks: 0,
      collections: [],
      embeddingModel: null,
      embeddingDimension: null,
      storeUri,
      reranker: null,
      fusion: null,
      notice: message,
    }),
    reindex: fail,
    startReindex: fail,
    retrievalModels: () => ({embedding: [], rerankers: []}),
    importDefaultKnowledge: fail,
    addMarkdownDocument: fail,
    updateSettings: () => undefined,
    documentText: fail,
    deleteCollection: fail,
    exportPack: fail,
    exportPackDownload: fail,
    importPack: fail,
    importPackStream: fail,
    embeddingModel: () => null,
    storeHealth: () => ({notes: [message], lostDocuments: 0, rebuiltDocuments: 0, metaRebuilt: false, orphanDocuments: 0}),
    embedTexts: fail,
    close: async () => undefined,
  };
}

/** The knowledge feature as the rest of the core sees it (chat, RPC handlers, the HTTP API). */
export type {KnowledgeService as KnowledgeApi, KnowledgeEvent} from "./knowledge-service.js";

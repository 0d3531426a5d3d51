import fs from "node:fs";
import {toErrorInfo} from "../../shared/errors.js";
import type {EventSink} from "../../shared/contract.js";
import type {KnowledgeApi} from "./knowledge/knowledge-api.js";
import type {ModelService} from "./llm/model-service.js";

export interface StartupDeps {
  /** Load the configured (or first fitting) model. */
  autoLoadModel: boolean;
  models: Pick<ModelService, "loadDefault">;
  knowledge: Pick<KnowledgeApi, "embeddingModel" | "stats" | "reindex" | "importDefaultKnowledge" | "waitForJob">;
  /** The default articles imported on first run; null skips that import. */
  knowledgeDir: string | null;
  /** Whether the default articles were imported already (a setting), and how to record that they were. */
  defaultKnowledge: {imported(): boolean; markImported(): void};
  events: EventSink<"app.notice">;
  log: {error(message: string): void};
}

/** Work done once at start, in the background so the window and the API come up at once. */
export async function runStartup(deps: StartupDeps): Promise<void> {
  const tasks: Promise<unknown>[] = [reindexIfModelChanged(deps)];
  if (deps.autoLoadModel) tasks.push(deps.models.loadDefault());
  const folder = deps.knowledgeDir;
  if (folder && !deps.defaultKnowledge.imported() && fs.existsSync(folder)) {
    tasks.push(
      (async () => {
        const job = await deps.knowledge.importDefaultKnowledge(folder);
        await deps.knowledge.waitForJob(job.id);
        deps.defaultKnowledge.markImported();
      })().catch((error) => deps.log.error(`default knowledge import: ${toErrorInfo(error).message}`)),
    );
  }
  await Promise.all(tasks);
}

/**
 * Vectors are only comparable within one embedding model. When the model in use differs from the
 * one that made the stored vectors (or the knowledge base was stored text-only), rebuild them in
 * the background; search falls back to full text meanwhile, so nothing is blocked.
 */
async function reindexIfModelChanged(deps: StartupDeps): Promise<void> {
  const model = deps.knowledge.embeddingModel();
  if (!model) return;
  const stats = await deps.knowledge.stats();
  if (stats.chunks === 0 || (stats.embeddingModel === model.id && stats.embeddingDimension === model.dimension)) return;
  deps.events.emit("app.notice", {level: "info", code: "REINDEXING", message: `Re-indexing ${stats.chunks} passages for the embedding model ${model.id}; text search works meanwhile.`});
  try {
    await deps.knowledge.reindex();
    deps.events.emit("app.notice", {level: "info", code: "REINDEXED", message: `The knowledge base now uses ${model.id} for meaning-based search.`});
  } catch (error) {
    const info = toErrorInfo(error);
    deps.log.error(`re-index: ${info.message}`);
    deps.events.emit("app.notice", {level: "warning", code: info.code, message: `Re-indexing failed: ${info.message} Knowledge → Re-index all tries again.`});
  }
}

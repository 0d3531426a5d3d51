/**
 * A fresh knowledge base for one evaluation run: a temporary data folder, the files imported through
 * the real knowledge service (parser pool, chunker, fixture embedder, LanceDB), then the fusion
 * weights measured and the latent index built, which the app does in the background after an
 * import and a run must wait for. `close` removes the folder.
 */
import {mkdtempSync, rmSync} from "node:fs";
import os from "node:os";
import path from "node:path";
import {defaultSettings} from "../../shared/settings.js";
import type {KnowledgeStats} from "../../shared/knowledge.js";
import {createKnowledgeService, type KnowledgeService} from "../../electron/core/knowledge/knowledge-service.js";
import type {FusionCalibration} from "../../electron/core/knowledge/fusion-calibration.js";

export interface EvalKnowledgeBase {
  service: KnowledgeService;
  /** The data folder (removed by close). */
  dir: string;
  importMs: number;
  failedFiles: {path: string; code: string}[];
  calibration: FusionCalibration | null;
  latent: {passages: number; rank: number; vocabulary: number} | null;
  latentMs: number;
  stats: KnowledgeStats;
  close(): Promise<void>;
}

/** EVAL_CHUNK_SIZE and EVAL_CHUNK_OVERLAP (tokens) import with other passage sizes than the defaults. */
function knowledgeSettings() {
  const chunking = process.env.EVAL_CHUNK_SIZE ? {chunkSize: Number(process.env.EVAL_CHUNK_SIZE), chunkOverlap: Number(process.env.EVAL_CHUNK_OVERLAP ?? 30)} : {};
  return {...defaultSettings().knowledge, ...chunking};
}

export async function importForEvaluation(files: string[], options: {name: string; embedderDir: string}): Promise<EvalKnowledgeBase> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `deskside-eval-${options.name}-`));
  const service = await createKnowledgeService({dataDir: dir, embeddingModelDirs: [], embeddingModel: options.embedderDir, settings: knowledgeSettings()});
  const close = async (): Promise<void> => {
    await service.close();
    rmSync(dir, {recursive: true, force: true});
  };
  try {
    const started = performance.now();
    const job = await service.waitForJob((await service.importPaths(files)).id);
    const importMs = performance.now() - started;
    const failedFiles = job.files.filter((f) => f.state === "failed").map((f) => ({path: f.path, code: f.error?.code ?? "?"}));
    const calibration = await service.calibrate();
    const latentStarted = performance.now();
    const latent = await service.buildLatentIndex();
    const latentMs = performance.now() - latentStarted;
    return {service, dir, importMs, failedFiles, calibration, latent, latentMs, stats: await service.stats(), close};
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Adds the starter articles the way the app does on first start (knowledge/ through the service's
 * importDefaultKnowledge), then rebuilds the latent index as the app would after them.
 */
export async function addStarterArticles(service: KnowledgeService, repoRoot: string): Promise<void> {
  await service.waitForJob((await service.importDefaultKnowledge(path.join(repoRoot, "knowledge"))).id);
  await service.buildLatentIndex();
}

import path from "node:path";
import type {LlamaModel, LlamaRankingContext, Token} from "node-llama-cpp";
import {DesksideError} from "../../../shared/errors.js";
import {cancelledError} from "./abortable.js";
import {ggufThreads, loadGgufModel} from "./gguf-model.js";
import {DEFAULT_RERANK_CONTEXT, type CreateRerankerOptions, type Reranker} from "./reranker-types.js";
import {serializedReranker} from "./serialized-reranker.js";

/**
 * Passage tokens that fit beside `query` in one evaluation. Measured with two probe documents
 * because a ranking template may repeat the document or add its own special tokens.
 */
function passageBudget(context: LlamaRankingContext, query: Token[], probe: Token): number {
  const one = context.calculateInputLength(query, [probe]);
  const perToken = Math.max(1, context.calculateInputLength(query, [probe, probe]) - one);
  const overhead = one - perToken;
  // rank() refuses an input as long as the context itself.
  return Math.max(0, Math.floor((context.contextSize - 1 - overhead) / perToken));
}

/** A bge-reranker-style GGUF (classification head) through node-llama-cpp's ranking context. */
export async function createGgufReranker(modelPath: string, options: CreateRerankerOptions = {}): Promise<Reranker> {
  const name = path.basename(modelPath);
  const loaded = await loadGgufModel(modelPath, {
    llama: options.llama,
    failureCode: "RERANKER_FAILED",
    check: (insights) => {
      if (!insights.supportsRanking) throw new DesksideError("MODEL_INVALID", `${name} is not a re-ranking model (it has no classification head); pick a re-ranker such as bge-reranker-v2-m3.`);
    },
  });
  const model: LlamaModel = loaded.model;
  const contextSize = Math.min(options.contextSize ?? DEFAULT_RERANK_CONTEXT, model.trainContextSize);
  let context: LlamaRankingContext;
  try {
    // Encoders attend to the whole input at once, so one batch must hold a full pair.
    context = await model.createRankingContext({contextSize, batchSize: contextSize, threads: ggufThreads(options.threads, loaded.llama)});
  } catch (error) {
    await loaded.release();
    throw new DesksideError("RERANKER_FAILED", `${name} could not start: ${(error as Error)?.message ?? error}`, {cause: error});
  }
  const tokenize = (text: string): Token[] => model.tokenize(text, false, "trimLeadingSpace");
  const probe = tokenize("a")[0] ?? (0 as Token);

  async function scoreAll(query: string, passages: string[], signal: AbortSignal | undefined): Promise<number[]> {
    // A query longer than half the context would leave passages no room; its start is kept.
    const queryTokens = tokenize(query).slice(0, Math.floor(contextSize / 2));
    const budget = passageBudget(context, queryTokens, probe);
    const scores: number[] = [];
    // One pair at a time (the context has one sequence anyway), so a cancel lands between pairs.
    for (const passage of passages) {
      if (signal?.aborted) throw cancelledError("Re-ranking was cancelled.");
      try {
        scores.push(await context.rank(queryTokens, tokenize(passage).slice(0, budget)));
      } catch (error) {
        throw new DesksideError("RERANKER_FAILED", `The re-ranking model ${name} failed on a passage.`, {cause: error});
      }
    }
    return scores;
  }

  return serializedReranker(name, "gguf", scoreAll, async () => {
    await context.dispose();
    await loaded.release();
  });
}

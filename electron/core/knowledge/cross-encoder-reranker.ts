import path from "node:path";
import {AutoModelForSequenceClassification, AutoTokenizer, Tensor, type PreTrainedModel, type PreTrainedTokenizer} from "@huggingface/transformers";
import {DesksideError} from "../../../shared/errors.js";
import {cancelledError} from "./abortable.js";
import {DEFAULT_RERANK_CONTEXT, type CreateRerankerOptions, type Reranker} from "./reranker-types.js";
import {serializedReranker} from "./serialized-reranker.js";
import {loadLocalModel} from "./transformers-local.js";

/**
 * A word-piece is at least one character except for the odd [UNK] word, so this many characters
 * per token always covers the part of a passage that fits; tokenizing the rest would be wasted.
 */
const CHARS_PER_TOKEN_BOUND = 16;

type Rows = Record<string, number[][]>;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

interface ModelConfig {
  id2label?: Record<string, string>;
  max_position_embeddings?: number;
}

/**
 * Cuts each pair to `maxLength` tokens from the passage's end while keeping the closing special
 * token, so the model sees the layout it was trained on ([CLS] q [SEP] p… [SEP]).
 */
function truncatePairs(rows: Rows, maxLength: number): void {
  const keys = Object.keys(rows);
  for (let i = 0; i < rows.input_ids.length; i++) {
    if (rows.input_ids[i].length <= maxLength) continue;
    for (const key of keys) {
      const row = rows[key][i];
      rows[key][i] = [...row.slice(0, maxLength - 1), row[row.length - 1]];
    }
  }
}

function toTensors(rows: Rows, padId: number): Record<string, Tensor> {
  const width = Math.max(...rows.input_ids.map((row) => row.length));
  const tensors: Record<string, Tensor> = {};
  for (const [key, batch] of Object.entries(rows)) {
    const data = new BigInt64Array(batch.length * width).fill(BigInt(key === "input_ids" ? padId : 0));
    batch.forEach((row, i) => row.forEach((value, j) => (data[i * width + j] = BigInt(value))));
    tensors[key] = new Tensor("int64", data, [batch.length, width]);
  }
  return tensors;
}

/** A transformers.js cross-encoder folder (…ForSequenceClassification, ONNX), loaded offline. */
export async function createCrossEncoderReranker(folder: string, options: CreateRerankerOptions = {}): Promise<Reranker> {
  const name = path.basename(folder);
  let tokenizer: PreTrainedTokenizer;
  let model: PreTrainedModel;
  try {
    [tokenizer, model] = await loadLocalModel(folder, (modelId) =>
      Promise.all([AutoTokenizer.from_pretrained(modelId), AutoModelForSequenceClassification.from_pretrained(modelId, {dtype: "fp32"})]),
    );
  } catch (error) {
    throw new DesksideError("RERANKER_FAILED", `The re-ranking model "${name}" could not be loaded.`, {cause: error});
  }
  const config = model.config as unknown as ModelConfig;
  const labels = Object.keys(config.id2label ?? {}).length || 1;
  if (labels > 2) {
    await model.dispose();
    throw new DesksideError("MODEL_INVALID", `"${name}" sorts text into ${labels} classes; a re-ranker predicts one relevance score.`);
  }
  const positions = typeof config.max_position_embeddings === "number" ? config.max_position_embeddings : Infinity;
  const maxLength = Math.min(options.contextSize ?? DEFAULT_RERANK_CONTEXT, tokenizer.model_max_length ?? Infinity, positions);
  const batchSize = Math.max(1, options.batchSize ?? 8);

  // A query longer than half the window would leave passages no room; its start is kept.
  function clipQuery(query: string): string {
    const ids = tokenizer.encode(query, {add_special_tokens: false});
    const room = Math.floor(maxLength / 2);
    return ids.length <= room ? query : tokenizer.decode(ids.slice(0, room), {skip_special_tokens: true});
  }

  async function scoreBatch(query: string, passages: string[]): Promise<number[]> {
    const clipped = passages.map((p) => p.slice(0, maxLength * CHARS_PER_TOKEN_BOUND));
    const encoded = tokenizer(
      passages.map(() => query),
      {text_pair: clipped, add_special_tokens: true, padding: false, truncation: false, return_tensor: false},
    );
    const rows: Rows = {input_ids: encoded.input_ids, attention_mask: encoded.attention_mask};
    if (encoded.token_type_ids) rows.token_type_ids = encoded.token_type_ids;
    truncatePairs(rows, maxLength);
    const {logits} = (await model(toTensors(rows, tokenizer.pad_token_id ?? 0))) as {logits: Tensor};
    const data = logits.data as Float32Array;
    const width = logits.dims[logits.dims.length - 1];
    return passages.map((_, i) =>
      // One logit: relevant vs not; two: softmax probability of the second ("relevant") class.
      width === 1 ? sigmoid(data[i]) : sigmoid(data[i * width + 1] - data[i * width]),
    );
  }

  async function scoreAll(query: string, passages: string[], signal: AbortSignal | undefined): Promise<number[]> {
    const scores: number[] = [];
    const pairQuery = clipQuery(query);
    for (let start = 0; start < passages.length; start += batchSize) {
      if (signal?.aborted) throw cancelledError("Re-ranking was cancelled.");
      try {
        scores.push(...(await scoreBatch(pairQuery, passages.slice(start, start + batchSize))));
      } catch (error) {
        throw new DesksideError("RERANKER_FAILED", `The re-ranking model "${name}" failed on a passage.`, {cause: error});
      }
    }
    return scores;
  }

  return serializedReranker(name, "cross-encoder", scoreAll, async () => {
    await model.dispose();
  });
}

/**
 * Writes a tiny BERT-architecture GGUF (1 layer, 8-dim, random weights from a fixed seed) that
 * llama.cpp loads like a real bge-style model: with a classification head (`cls.*`) it is a
 * re-ranker, without one and with mean pooling it is an embedding model. Its scores and vectors
 * carry no meaning; they exercise the real node-llama-cpp paths (the llama fixture has no
 * classification head, so it cannot rank). Built at test time so no binary is committed.
 */
import fs from "node:fs";

export type TinyBertKind = "reranker" | "embedder";

const N_EMBD = 8;
const N_HEAD = 2;
const N_FF = 16;
const N_CTX_TRAIN = 512;
const SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
const WORDS = ["the", "printer", "toner", "vpn", "password", "reset", "error", "network", "outlook", "install", "driver", "account", "screen", "laptop"];
const CHARS = [..."abcdefghijklmnopqrstuvwxyz0123456789"];
const PUNCT = [..."!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"];
/** GGUF metadata value types and ggml's F32 tensor type. */
const T = {UINT32: 4, INT32: 5, FLOAT32: 6, BOOL: 7, STRING: 8, ARRAY: 9} as const;
const GGML_F32 = 0;
const ALIGNMENT = 32;
/** llama.cpp's pooling types: mean for embeddings, rank for a classification head. */
const POOLING = {embedder: 1, reranker: 4} as const;

/** WordPiece vocabulary in llama.cpp's form: word starts carry "▁", continuations do not. */
function vocabulary(): {tokens: string[]; types: number[]} {
  const pieces = [...WORDS.map((w) => `▁${w}`), ...CHARS.map((c) => `▁${c}`), ...CHARS, ...PUNCT.map((p) => `▁${p}`)];
  return {tokens: [...SPECIAL, ...pieces], types: [...SPECIAL.map(() => 3), ...pieces.map(() => 1)]};
}

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class ByteWriter {
  private chunks: Buffer[] = [];
  size = 0;
  private push(buffer: Buffer): void {
    this.chunks.push(buffer);
    this.size += buffer.length;
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.push(b);
  }
  i32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    this.push(b);
  }
  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.push(b);
  }
  f32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.push(b);
  }
  string(value: string): void {
    const bytes = Buffer.from(value, "utf8");
    this.u64(bytes.length);
    this.push(bytes);
  }
  raw(buffer: Buffer): void {
    this.push(buffer);
  }
  pad(): void {
    const rest = this.size % ALIGNMENT;
    if (rest) this.push(Buffer.alloc(ALIGNMENT - rest));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

type Meta = [key: string, type: number, value: unknown, elementType?: number];

function writeValue(out: ByteWriter, type: number, value: unknown, elementType?: number): void {
  if (type === T.UINT32) out.u32(value as number);
  else if (type === T.INT32) out.i32(value as number);
  else if (type === T.FLOAT32) out.f32(value as number);
  else if (type === T.BOOL) out.raw(Buffer.from([value ? 1 : 0]));
  else if (type === T.STRING) out.string(value as string);
  else if (type === T.ARRAY) {
    const items = value as unknown[];
    out.u32(elementType!);
    out.u64(items.length);
    for (const item of items) writeValue(out, elementType!, item);
  }
}

/** Writes the model to `file` and returns the path. */
export function writeTinyBertGguf(file: string, kind: TinyBertKind, seed = 7): string {
  const {tokens, types} = vocabulary();
  const rand = random(seed);
  const weights = (n: number, scale = 0.5) => Float32Array.from({length: n}, () => (rand() * 2 - 1) * scale);
  const ones = (n: number) => new Float32Array(n).fill(1);
  const zeros = (n: number) => new Float32Array(n);

  // Shapes as ggml writes them: the first dimension varies fastest.
  const tensors: [name: string, dims: number[], data: Float32Array][] = [
    ["token_embd.weight", [N_EMBD, tokens.length], weights(N_EMBD * tokens.length, 1)],
    ["token_types.weight", [N_EMBD, 2], weights(N_EMBD * 2, 0.1)],
    ["position_embd.weight", [N_EMBD, N_CTX_TRAIN], weights(N_EMBD * N_CTX_TRAIN, 0.1)],
    ["token_embd_norm.weight", [N_EMBD], ones(N_EMBD)],
    ["token_embd_norm.bias", [N_EMBD], zeros(N_EMBD)],
  ];
  for (const part of ["attn_q", "attn_k", "attn_v", "attn_output"])
    tensors.push([`blk.0.${part}.weight`, [N_EMBD, N_EMBD], weights(N_EMBD * N_EMBD)], [`blk.0.${part}.bias`, [N_EMBD], weights(N_EMBD, 0.1)]);
  tensors.push(
    ["blk.0.attn_output_norm.weight", [N_EMBD], ones(N_EMBD)],
    ["blk.0.attn_output_norm.bias", [N_EMBD], zeros(N_EMBD)],
    ["blk.0.ffn_up.weight", [N_EMBD, N_FF], weights(N_EMBD * N_FF)],
    ["blk.0.ffn_up.bias", [N_FF], weights(N_FF, 0.1)],
    ["blk.0.ffn_down.weight", [N_FF, N_EMBD], weights(N_FF * N_EMBD)],
    ["blk.0.ffn_down.bias", [N_EMBD], weights(N_EMBD, 0.1)],
    ["blk.0.layer_output_norm.weight", [N_EMBD], ones(N_EMBD)],
    ["blk.0.layer_output_norm.bias", [N_EMBD], zeros(N_EMBD)],
  );
  if (kind === "reranker")
    tensors.push(
      ["cls.weight", [N_EMBD, N_EMBD], weights(N_EMBD * N_EMBD)],
      ["cls.bias", [N_EMBD], weights(N_EMBD, 0.1)],
      ["cls.output.weight", [N_EMBD, 1], weights(N_EMBD, 2)],
      ["cls.output.bias", [1], zeros(1)],
    );

  const meta: Meta[] = [
    ["general.architecture", T.STRING, "bert"],
    ["general.name", T.STRING, `tiny-bert-${kind}`],
    ["bert.context_length", T.UINT32, N_CTX_TRAIN],
    ["bert.embedding_length", T.UINT32, N_EMBD],
    ["bert.feed_forward_length", T.UINT32, N_FF],
    ["bert.block_count", T.UINT32, 1],
    ["bert.attention.head_count", T.UINT32, N_HEAD],
    ["bert.attention.layer_norm_epsilon", T.FLOAT32, 1e-12],
    ["bert.attention.causal", T.BOOL, false],
    ["bert.pooling_type", T.UINT32, POOLING[kind]],
    ["tokenizer.ggml.model", T.STRING, "bert"],
    ["tokenizer.ggml.tokens", T.ARRAY, tokens, T.STRING],
    ["tokenizer.ggml.token_type", T.ARRAY, types, T.INT32],
    ["tokenizer.ggml.token_type_count", T.UINT32, 2],
    ["tokenizer.ggml.padding_token_id", T.UINT32, 0],
    ["tokenizer.ggml.unknown_token_id", T.UINT32, 1],
    ["tokenizer.ggml.bos_token_id", T.UINT32, 2],
    ["tokenizer.ggml.cls_token_id", T.UINT32, 2],
    ["tokenizer.ggml.seperator_token_id", T.UINT32, 3],
    ["tokenizer.ggml.mask_token_id", T.UINT32, 4],
  ];

  const out = new ByteWriter();
  out.raw(Buffer.from("GGUF", "ascii"));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(meta.length);
  for (const [key, type, value, elementType] of meta) {
    out.string(key);
    out.u32(type);
    writeValue(out, type, value, elementType);
  }
  let offset = 0;
  for (const [name, dims, data] of tensors) {
    out.string(name);
    out.u32(dims.length);
    for (const dim of dims) out.u64(dim);
    out.u32(GGML_F32);
    out.u64(offset);
    offset += Math.ceil((data.length * 4) / ALIGNMENT) * ALIGNMENT;
  }
  out.pad();
  for (const [, , data] of tensors) {
    out.raw(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    out.pad();
  }
  fs.writeFileSync(file, out.toBuffer());
  return file;
}

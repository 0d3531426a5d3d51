/**
 * Writes a tiny cross-encoder in the transformers.js layout (config.json, tokenizer, onnx/model.onnx)
 * whose ONNX graph is written by hand: its single logit is the number of distinct word pieces of
 * the query (segment A) that also occur in the passage (segment B), minus 0.5. That is a real,
 * explainable relevance signal, so tests can check that pairs are encoded with token types, that
 * scores follow the passages and that truncation keeps the passage's start. Built at test time
 * from the BERT-uncased tokenizer of the fixture embedder, so no binary is committed.
 */
import fs from "node:fs";
import path from "node:path";
import {FIXTURE_EMBEDDER_DIR} from "./fixtures.js";

/** BERT-uncased ids up to 103 are [PAD], [unused…], [UNK], [CLS], [SEP], [MASK]. */
const LAST_SPECIAL_ID = 103;
const ONNX = {FLOAT: 1, INT64: 7, ATTR_INT: 2, ATTR_INTS: 7} as const;

// Protocol-buffer encoding, just what ModelProto needs.
function varint(value: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v) byte |= 0x80;
    bytes.push(byte);
  } while (v);
  return Buffer.from(bytes);
}
const intField = (field: number, value: number | bigint) => Buffer.concat([varint(field << 3), varint(value)]);
const bytesField = (field: number, value: Buffer | string) => {
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  return Buffer.concat([varint((field << 3) | 2), varint(bytes.length), bytes]);
};
const message = (...parts: Buffer[]) => Buffer.concat(parts);

function int64Tensor(name: string, values: number[], dims: number[]): Buffer {
  const raw = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => raw.writeBigInt64LE(BigInt(v), i * 8));
  return message(...dims.map((d) => intField(1, d)), intField(2, ONNX.INT64), bytesField(8, name), bytesField(9, raw));
}

function floatTensor(name: string, values: number[], dims: number[]): Buffer {
  const raw = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => raw.writeFloatLE(v, i * 4));
  return message(...dims.map((d) => intField(1, d)), intField(2, ONNX.FLOAT), bytesField(8, name), bytesField(9, raw));
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): Buffer {
  const shape = message(...dims.map((d) => bytesField(1, typeof d === "number" ? intField(1, d) : bytesField(2, d))));
  const tensorType = message(intField(1, elemType), bytesField(2, shape));
  return message(bytesField(1, name), bytesField(2, bytesField(1, tensorType)));
}

type Attribute = {name: string; int?: number; ints?: number[]};
function node(op: string, inputs: string[], outputs: string[], attributes: Attribute[] = []): Buffer {
  const attrs = attributes.map((a) =>
    a.ints ? message(bytesField(1, a.name), intField(20, ONNX.ATTR_INTS), ...a.ints.map((v) => intField(8, v))) : message(bytesField(1, a.name), intField(20, ONNX.ATTR_INT), intField(3, a.int!)),
  );
  return message(...inputs.map((i) => bytesField(1, i)), ...outputs.map((o) => bytesField(2, o)), bytesField(3, `${op}_${outputs[0]}`), bytesField(4, op), ...attrs.map((a) => bytesField(5, a)));
}

function overlapModel(): Buffer {
  const nodes = [
    node("Greater", ["input_ids", "last_special"], ["is_word"]),
    node("Equal", ["attention_mask", "one"], ["is_real"]),
    node("Equal", ["token_type_ids", "zero"], ["is_a"]),
    node("Equal", ["token_type_ids", "one"], ["is_b"]),
    node("And", ["is_word", "is_real"], ["counted"]),
    node("And", ["counted", "is_a"], ["in_a"]),
    node("And", ["counted", "is_b"], ["in_b"]),
    // Pieces outside a segment become -1 / -2 so they never match each other.
    node("Where", ["in_a", "input_ids", "minus_one"], ["a_ids"]),
    node("Where", ["in_b", "input_ids", "minus_two"], ["b_ids"]),
    node("Unsqueeze", ["a_ids", "axis_2"], ["a_col"]),
    node("Unsqueeze", ["b_ids", "axis_1"], ["b_row"]),
    node("Equal", ["a_col", "b_row"], ["same"]),
    node("Cast", ["same"], ["same_f"], [{name: "to", int: ONNX.FLOAT}]),
    node("ReduceMax", ["same_f"], ["found"], [{name: "axes", ints: [2]}, {name: "keepdims", int: 0}]),
    node("ReduceSum", ["found", "axis_1"], ["matched"], [{name: "keepdims", int: 0}]),
    node("Sub", ["matched", "half"], ["score"]),
    node("Unsqueeze", ["score", "axis_1"], ["logits"]),
  ];
  const initializers = [
    int64Tensor("last_special", [LAST_SPECIAL_ID], []),
    int64Tensor("zero", [0], []),
    int64Tensor("one", [1], []),
    int64Tensor("minus_one", [-1], []),
    int64Tensor("minus_two", [-2], []),
    int64Tensor("axis_1", [1], [1]),
    int64Tensor("axis_2", [2], [1]),
    floatTensor("half", [0.5], []),
  ];
  const inputs = ["input_ids", "attention_mask", "token_type_ids"].map((name) => valueInfo(name, ONNX.INT64, ["batch_size", "sequence_length"]));
  const graph = message(
    ...nodes.map((n) => bytesField(1, n)),
    bytesField(2, "query_overlap"),
    ...initializers.map((t) => bytesField(5, t)),
    ...inputs.map((i) => bytesField(11, i)),
    bytesField(12, valueInfo("logits", ONNX.FLOAT, ["batch_size", 1])),
  );
  return message(intField(1, 8), bytesField(2, "fixture"), bytesField(7, graph), bytesField(8, message(bytesField(1, ""), intField(2, 13))));
}

/** Writes the model folder and returns its path. */
export function writeTinyCrossEncoder(folder: string): string {
  fs.mkdirSync(path.join(folder, "onnx"), {recursive: true});
  for (const file of ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]) fs.copyFileSync(path.join(FIXTURE_EMBEDDER_DIR, file), path.join(folder, file));
  const config = {
    architectures: ["BertForSequenceClassification"],
    model_type: "bert",
    id2label: {0: "LABEL_0"},
    label2id: {LABEL_0: 0},
    hidden_size: 8,
    num_attention_heads: 1,
    num_hidden_layers: 0,
    max_position_embeddings: 512,
    pad_token_id: 0,
    type_vocab_size: 2,
    vocab_size: 30522,
  };
  fs.writeFileSync(path.join(folder, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
  fs.writeFileSync(path.join(folder, "onnx", "model.onnx"), overlapModel());
  return folder;
}

import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";

export const BENCH_RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "results");
const KNOWLEDGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "knowledge");

/** The chat the generation benchmarks send: a system prompt and a technician's question. */
export const BENCH_MESSAGES = [
  {role: "system" as const, content: "You are a help-desk assistant."},
  {role: "user" as const, content: "The VPN client says error 809 after the update. What should I check first?"},
];

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
}

export function rssMb(): number {
  return Math.round((process.memoryUsage().rss / 1024 / 1024) * 10) / 10;
}

/** Prints rows as an aligned table. */
export function printTable(title: string, rows: Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0]);
  const cell = (v: string | number) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : v);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c] ?? "").length)));
  console.log(`\n${title}`);
  console.log(columns.map((c, i) => c.padEnd(widths[i])).join("  "));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(columns.map((c, i) => cell(row[c] ?? "").padEnd(widths[i])).join("  "));
}

export function writeResults(name: string, data: unknown): string {
  fs.mkdirSync(BENCH_RESULTS_DIR, {recursive: true});
  const file = path.join(BENCH_RESULTS_DIR, `${name}.json`);
  fs.writeFileSync(file, `${JSON.stringify({measuredAt: new Date().toISOString(), node: process.version, ...(data as object)}, null, 2)}\n`);
  return file;
}

/** The starter articles as plain paragraphs, the raw material of the synthetic corpora. */
export function articleParagraphs(): string[] {
  const paragraphs: string[] = [];
  for (const name of fs.readdirSync(KNOWLEDGE_DIR).filter((n) => n.endsWith(".md")).sort()) {
    const text = fs
      .readFileSync(path.join(KNOWLEDGE_DIR, name), "utf8")
      .replace(/```[\s\S]*?```/g, " ")
      .replace(/[#*`>|_[\]()]/g, " ");
    for (const para of text.split(/\n\s*\n/)) {
      const clean = para.replace(/\s+/g, " ").trim();
      if (clean.length > 40) paragraphs.push(clean);
    }
  }
  return paragraphs;
}

/** Deterministic pseudo-random numbers so runs are comparable. */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

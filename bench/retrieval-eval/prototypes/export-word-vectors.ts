/**
 * Embeds every word export-terms.ts found in a corpus (its `surface` map: each stem's words and
 * their counts) with the test embedder, one word per text, for the query-expansion prototype
 * (`lexical_variants.py emb`). Writes <terms-dir>/<corpus>.vectors.json.
 *
 *   npx tsx bench/retrieval-eval/prototypes/export-word-vectors.ts postfix [krb5 …]
 */
import {readFileSync, writeFileSync} from "node:fs";
import path from "node:path";
import {createEmbedder} from "../../../electron/core/knowledge/embedder.js";
import {FIXTURE_EMBEDDER_DIR, REPO_ROOT} from "../../../test/helpers/fixtures.js";

const termsDir = path.join(REPO_ROOT, "bench", "results", "terms");
const ids = process.argv.slice(2);
if (ids.length === 0) throw new Error("usage: export-word-vectors.ts <corpus> [corpus …]");
const embedder = await createEmbedder(FIXTURE_EMBEDDER_DIR);
try {
  for (const id of ids) {
    const exported = JSON.parse(readFileSync(path.join(termsDir, `${id}.json`), "utf8")) as {surface: Record<string, Record<string, number>>};
    const words = [...new Set(Object.values(exported.surface).flatMap((forms) => Object.keys(forms)))];
    const vectors = await embedder.embed(words);
    const out: Record<string, number[]> = {};
    words.forEach((word, k) => (out[word] = Array.from(vectors[k], (x) => Math.round(x * 1e4) / 1e4)));
    writeFileSync(path.join(termsDir, `${id}.vectors.json`), JSON.stringify(out));
    console.log(`${id}: ${words.length} words → ${path.join(termsDir, `${id}.vectors.json`)}`);
  }
} finally {
  await embedder.close();
}

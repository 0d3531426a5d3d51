import {useState, type FormEvent} from "react";
import type {SearchHit, SearchMode, SearchResult} from "../../../../shared/knowledge.js";
import {useClient} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {useSettings} from "../../state/settings.js";
import {Banner} from "../../ui/Banner.js";
import {Button} from "../../ui/Button.js";
import {EmptyState} from "../../ui/EmptyState.js";
import {baseName, formatMs, formatScore} from "../../ui/format.js";
import {Icon} from "../../ui/Icon.js";
import {NumberInput} from "../../ui/NumberInput.js";
import {OcrBadge} from "../../ui/OcrBadge.js";

/**
 * Shows exactly what retrieval hands the model, to tune chunking, modes and thresholds: across all
 * collections it leaves out the ones excluded from answers, as chat does.
 */
export function SearchPlayground({collections}: {collections: string[]}) {
  const client = useClient();
  const excluded = useSettings().view?.settings.retrieval.excludedCollections ?? [];
  const [query, setQuery] = useState("");
  const [mode, setMode] = useState<SearchMode>("hybrid");
  const [topK, setTopK] = useState(5);
  const [collection, setCollection] = useState("");
  const [result, setResult] = useState<SearchResult | null>(null);
  const [leftOut, setLeftOut] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function search(event: FormEvent) {
    event.preventDefault();
    if (!query.trim()) return;
    setBusy(true);
    try {
      const exclusions = collection ? [] : excluded;
      setResult(await client.invoke("knowledge.search", {query: query.trim(), mode, topK, collection: collection || null, ...(exclusions.length > 0 && {excludeCollections: exclusions})}));
      setLeftOut(exclusions);
      setError(null);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="search-playground">
      <form className="search-form" onSubmit={search} role="search">
        <div className="search-input search-input-lg">
          <Icon name="search" size={16} />
          <input className="input" aria-label="Search query" placeholder="Search the knowledge base, e.g. “VPN error 809”" value={query} maxLength={4000} onChange={(event) => setQuery(event.target.value)} />
        </div>
        <label className="compact-field">
          <span>Mode</span>
          <select className="input select" value={mode} onChange={(event) => setMode(event.target.value as SearchMode)}>
            <option value="hybrid">Hybrid</option>
            <option value="vector">Vector</option>
            <option value="text">Text</option>
          </select>
        </label>
        <label className="compact-field">
          <span>Top-k</span>
          <NumberInput className="input input-number" min={1} max={20} value={topK} onChange={setTopK} />
        </label>
        <label className="compact-field">
          <span>Collection</span>
          <select className="input select" value={collection} onChange={(event) => setCollection(event.target.value)}>
            <option value="">All</option>
            {collections.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <Button type="submit" variant="primary" busy={busy} disabled={!query.trim()}>
          Search
        </Button>
      </form>
      {error ? (
        <Banner tone="danger" title="Search failed">
          {errorMessage(error)}
        </Banner>
      ) : null}
      {result && (
        <div className="search-results" aria-label="Search results">
          <p className="muted search-summary">
            {result.hits.length} {result.hits.length === 1 ? "hit" : "hits"} in {formatMs(result.tookMs)} · {result.effectiveMode} search
            {result.effectiveMode !== result.mode ? ` (asked for ${result.mode})` : ""}
            {leftOut.length > 0 ? ` · leaving out ${leftOut.join(", ")}, as answers do` : ""}
          </p>
          <SearchTimings result={result} />
          {result.notice && <Banner tone="info">{result.notice}</Banner>}
          {result.hits.length === 0 ? (
            <EmptyState icon="search" title="No matches">
              Try other words, another mode, or a different collection.
            </EmptyState>
          ) : (
            <ol className="hits">
              {result.hits.map((hit, index) => (
                <SearchHitCard key={hit.chunkId} hit={hit} rank={index + 1} />
              ))}
            </ol>
          )}
        </div>
      )}
    </div>
  );
}

/** Where the time of one search went, and which re-ranking model ordered the hits. */
function SearchTimings({result}: {result: SearchResult}) {
  const {timings, reranker} = result;
  if (!timings) return null;
  return (
    <dl className="search-timings" aria-label="Search timings">
      <div>
        <dt>Embed</dt>
        <dd>{formatMs(timings.embedMs)}</dd>
      </div>
      <div>
        <dt>Retrieve</dt>
        <dd>{formatMs(timings.retrieveMs)}</dd>
      </div>
      {timings.rerankMs !== undefined && (
        <div>
          <dt>Re-rank</dt>
          <dd>{formatMs(timings.rerankMs)}</dd>
        </div>
      )}
      {reranker && (
        <div>
          <dt>Re-ranker</dt>
          <dd>{reranker}</dd>
        </div>
      )}
    </dl>
  );
}

/** The heading path without the document title, which the card already shows. */
function sectionOf(hit: SearchHit): string[] {
  const title = hit.title.trim().toLowerCase();
  return hit.headingPath.filter((heading) => heading.trim().toLowerCase() !== title);
}

/** Chunks start with the headings they sit under; the card shows those above the text already. */
export function withoutLeadingHeadings(text: string, headings: string[]): string {
  const known = new Set(headings.map((heading) => heading.trim().toLowerCase()));
  const lines = text.split("\n");
  let start = 0;
  while (start < lines.length - 1 && known.has(lines[start].replace(/^#+\s*/, "").trim().toLowerCase())) start++;
  return lines.slice(start).join("\n");
}

function SearchHitCard({hit, rank}: {hit: SearchHit; rank: number}) {
  const location = [hit.page !== null ? `page ${hit.page}` : null, hit.row !== null ? `row ${hit.row}` : null].filter(Boolean).join(" · ");
  const section = sectionOf(hit);
  return (
    <li className="card hit">
      <div className="hit-header">
        <span className="hit-rank">{rank}</span>
        <div className="hit-title">
          <strong>
            {hit.title} {hit.ocr && <OcrBadge />}
          </strong>
          <span className="muted" title={hit.sourcePath}>
            {[section.join(" › ") || baseName(hit.sourcePath), location, hit.collection].filter(Boolean).join(" · ")}
          </span>
        </div>
        <dl className="hit-scores">
          <Score label="Score" value={formatScore(hit.score)} strong />
          {hit.scores.fused !== undefined && <Score label="Fused" value={formatScore(hit.scores.fused)} title="Reciprocal-rank fusion of the vector and text ranks (a small sum, not 0–1)." />}
          {hit.scores.vector !== undefined && <Score label="Vector" value={formatScore(hit.scores.vector)} title="Embedding similarity of the query and the chunk." />}
          {hit.scores.text !== undefined && <Score label="BM25" value={hit.scores.text.toFixed(1)} title="Raw BM25 text-match score: unbounded, compare it only between hits, not with the 0–1 scores." raw />}
        </dl>
      </div>
      <p className="hit-text">{withoutLeadingHeadings(hit.text, [hit.title, ...hit.headingPath])}</p>
    </li>
  );
}

function Score({label, value, strong, raw, title}: {label: string; value: string; strong?: boolean; raw?: boolean; title?: string}) {
  return (
    <div className={["score", strong ? "score-main" : "", raw ? "score-raw" : ""].filter(Boolean).join(" ")} title={title}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

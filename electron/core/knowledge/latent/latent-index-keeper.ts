/**
 * Keeps the knowledge base's latent index (latent-index.ts) in step with it: loads the saved one at
 * start, builds a new one in the background when there is none or the knowledge base has changed by
 * more than a tenth (once changes have settled), and saves it beside the data (it is derived, so a damaged or foreign file is
 * simply built again). Passages imported since the last build are folded in by search meanwhile.
 */
import {promises as fs} from "node:fs";
import path from "node:path";
import {passageWithContext, type DocumentRecord} from "../store-schema.js";
import type {KnowledgeStore} from "../store.js";
import {LatentIndex, LatentIndexBuilder} from "./latent-index.js";

/** Dimensions kept: 150 ranked better than 100 or 300 where it was measured (see README). */
export const LATENT_RANK = 150;
/**
 * Below this many passages there is too little co-occurrence to relate words (and a 150-dimension
 * factorization of a few hundred passages mostly restates them), so small knowledge bases go without.
 */
export const MIN_LATENT_PASSAGES = 5 * LATENT_RANK;
/** Relative change in passage count that makes the index due for a rebuild. */
const REBUILD_DRIFT = 0.1;
/** Passages read and analysed at a time while collecting words. */
const PASSAGES_PER_SLICE = 200;

/**
 * How long the knowledge base must go without another change before a due index is built: a build
 * takes seconds of CPU (a minute at 100k passages), and a team importing batch after batch, or an
 * app that has just started, should not pay for one between batches.
 */
export const DEFAULT_SETTLE_MS = 30_000;

export interface LatentIndexKeeperOptions {
  store: KnowledgeStore;
  /** Quiet time before a scheduled build (see schedule); DEFAULT_SETTLE_MS by default. */
  settleMs?: number;
  /** Where the index is saved (a file of the local data folder, also for a shared store). */
  file: string;
  rank?: number;
  minPassages?: number;
  /**
   * Whether content is still coming in (an import job or a pack import runs): a scheduled build
   * waits for it instead of factorizing half of a batch that outlasted the settle time.
   */
  busy?: () => boolean;
  /**
   * Documents whose passages get latent vectors without shaping the index (see
   * LatentIndexBuilder.add); they do not count toward the minimum size either.
   */
  projectedOnly?: (doc: DocumentRecord) => boolean;
}

export class LatentIndexKeeper {
  private index: LatentIndex | null = null;
  private building: Promise<LatentIndex | null> | null = null;
  private readonly controller = new AbortController();
  private closed = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly options: LatentIndexKeeperOptions) {}

  /** The index search uses now, or null while there is none. */
  current(): LatentIndex | null {
    return this.index;
  }

  /** Reads the saved index when it was built from this store; anything else is ignored. */
  async load(): Promise<void> {
    const data = await fs.readFile(this.options.file).catch(() => null);
    const parsed = data ? LatentIndex.parse(data) : null;
    if (parsed && parsed.source === this.options.store.location.uri) this.index = parsed;
  }

  /** Whether the knowledge base has grown or shrunk enough since the build to need a new one. */
  private async due(): Promise<boolean> {
    const passages = await this.options.store.countChunks().catch(() => 0);
    const min = this.options.minPassages ?? MIN_LATENT_PASSAGES;
    const shaping = this.readyDocuments().reduce((n, doc) => n + (this.isProjectedOnly(doc) ? 0 : doc.chunkCount), 0);
    if (!this.index) return shaping >= min;
    if (shaping < min) return true;
    return Math.abs(passages - this.index.passages) > REBUILD_DRIFT * Math.max(passages, this.index.passages);
  }

  /** Checks whether a build is due once the knowledge base has been left alone for the settle time. */
  schedule(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refreshIfDue();
    }, this.options.settleMs ?? DEFAULT_SETTLE_MS);
    // A pending check never keeps a process alive.
    this.timer.unref();
  }

  /** Builds (or drops) the index when due; one build at a time; never throws. */
  async refreshIfDue(): Promise<void> {
    if (this.closed || this.building) return;
    // The end of the import (or pack) schedules again; until then the settle time starts over.
    if (this.options.busy?.()) {
      this.schedule();
      return;
    }
    if (!(await this.due().catch(() => false))) return;
    await this.rebuild();
  }

  /**
   * Builds the index now and returns it; null when the knowledge base is too small. A build under
   * way is joined, and built again after it when passages came or went since it started.
   */
  async rebuild(): Promise<LatentIndex | null> {
    // A close that came while this was being decided wins: the store is about to go.
    if (this.closed) return this.index;
    if (this.building) {
      const joined = await this.building;
      const passages = await this.options.store.countChunks().catch(() => null);
      if (this.closed || passages === null || (joined?.passages ?? 0) === passages) return joined;
      if (this.building) return this.building;
    }
    this.building = this.build()
      .catch(() => this.index)
      .finally(() => {
        this.building = null;
      });
    return this.building;
  }

  private async build(): Promise<LatentIndex | null> {
    const {store} = this.options;
    const signal = this.controller.signal;
    const builder = new LatentIndexBuilder();
    // In source order, not import order (imports run concurrently): the factorization starts from a
    // seeded random block whose rows follow the passages, so the same files give the same index.
    const documents = this.readyDocuments().sort((a, b) => (a.sourcePath < b.sourcePath ? -1 : a.sourcePath > b.sourcePath ? 1 : a.id.localeCompare(b.id)));
    // Read and analysed a slice at a time, so a close (or an abort) never waits on a whole long document.
    for (const doc of documents) {
      for (let from = 0; from < doc.chunkCount; from += PASSAGES_PER_SLICE) {
        signal.throwIfAborted();
        const chunks = await store.documentChunks(doc.id, from, from + PASSAGES_PER_SLICE - 1);
        const terms = await store.analyzeEach(chunks.map(passageWithContext));
        const projectedOnly = this.isProjectedOnly(doc);
        chunks.forEach((chunk, k) => builder.add(chunk.id, terms[k], {projectedOnly}));
      }
    }
    if (builder.factorized < (this.options.minPassages ?? MIN_LATENT_PASSAGES)) {
      this.index = null;
      await fs.rm(this.options.file, {force: true});
      return null;
    }
    const built = await builder.finish({rank: this.options.rank ?? LATENT_RANK, signal, source: store.location.uri});
    if (this.closed) return this.index;
    this.index = built;
    if (built) {
      // Written aside and renamed, so a crash leaves the old file or the new one, never half of one.
      await fs.mkdir(path.dirname(this.options.file), {recursive: true});
      const temp = `${this.options.file}.${process.pid}.tmp`;
      await fs.writeFile(temp, built.serialize());
      await fs.rename(temp, this.options.file);
    }
    return built;
  }

  private readyDocuments(): DocumentRecord[] {
    return this.options.store.listDocuments().filter((doc) => doc.status === "ready");
  }

  private isProjectedOnly(doc: DocumentRecord): boolean {
    return this.options.projectedOnly?.(doc) ?? false;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.controller.abort();
    await this.building;
  }
}

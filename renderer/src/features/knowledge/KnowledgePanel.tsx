import {useRef, useState} from "react";
import {useClient, useEvent, useRpcQuery} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {useResync} from "../../shell/connection.js";
import {Banner} from "../../ui/Banner.js";
import {Button} from "../../ui/Button.js";
import {baseName, formatNumber} from "../../ui/format.js";
import {useToast} from "../../ui/Toasts.js";
import {useConfirm} from "../../ui/useConfirm.js";
import {CollectionsCard} from "./CollectionsCard.js";
import {DocumentsTable} from "./DocumentsTable.js";
import type {PickedFile} from "./dropped-files.js";
import {DropZone} from "./DropZone.js";
import {ImportJobList} from "./ImportJobList.js";
import {PackImportStatus} from "./PackImportStatus.js";
import {SearchPlayground} from "./SearchPlayground.js";
import {useImportJobs} from "./useImportJobs.js";
import {useKnowledgeImport} from "./useKnowledgeImport.js";
import {isPackFile, useKnowledgePacks} from "./useKnowledgePacks.js";
import {useWatchedFolders} from "./useWatchedFolders.js";
import {addedMessage, WatchedFoldersCard} from "./WatchedFoldersCard.js";
import "./knowledge.css";
import {ReindexStatus, useReindexProgress} from "./ReindexStatus.js";

type Tab = "documents" | "search";

export function KnowledgePanel() {
  const client = useClient();
  const {notify} = useToast();
  const [confirm, confirmDialog] = useConfirm();
  const documents = useRpcQuery("knowledge.list");
  const stats = useRpcQuery("knowledge.stats");
  const {jobs, addJob, replaceJob, hide} = useImportJobs();
  const {importFiles, importPaths} = useKnowledgeImport();
  const [collection, setCollection] = useState("");
  const [importing, setImporting] = useState(false);
  const [tab, setTab] = useState<Tab>("documents");
  const reindexing = useReindexProgress();
  const packs = useKnowledgePacks();
  const watched = useWatchedFolders();
  const packInput = useRef<HTMLInputElement>(null);
  const reindexRunning = reindexing.progress?.state === "running";

  const refresh = () => {
    void documents.reload();
    void stats.reload();
  };
  useEvent("knowledge.changed", refresh);
  // A finished job changes the document list even if no separate change event follows.
  useEvent("knowledge.job", (job) => job.state !== "running" && refresh());
  useEvent("knowledge.progress", (event) => event.state !== "running" && refresh());
  useResync(refresh);

  async function start(run: () => Promise<unknown>) {
    setImporting(true);
    try {
      await run();
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    } finally {
      setImporting(false);
    }
  }

  const target = collection.trim() || null;
  // Model files dropped here are not documents: say where they go instead of passing over them in silence.
  const withoutModels = <T,>(items: T[], name: (item: T) => string): T[] => {
    const models = items.filter((item) => /\.gguf$/i.test(name(item)));
    if (models.length > 0)
      notify(`${models.map((item) => baseName(name(item))).join(", ")} ${models.length === 1 ? "is a language model" : "are language models"}, not ${models.length === 1 ? "a document" : "documents"}: add models in Models & GPU (Import a .gguf file).`, {tone: "info"});
    return items.filter((item) => !models.includes(item));
  };
  const onFiles = (picked: PickedFile[]) => {
    // A knowledge pack dropped with the documents is imported as a pack, not parsed as a document.
    for (const pack of picked.filter((p) => isPackFile(p.file.name))) void packs.importFile(pack.file);
    const files = withoutModels(
      picked.filter((p) => !isPackFile(p.file.name)),
      (p) => p.relativePath || p.file.name,
    );
    if (files.length > 0) void start(async () => (await importFiles(files, target)).forEach(addJob));
  };
  const onPaths = (picked: string[]) => {
    for (const pack of picked.filter(isPackFile)) void packs.importPath(pack);
    const paths = withoutModels(
      picked.filter((p) => !isPackFile(p)),
      (p) => p,
    );
    if (paths.length > 0) void start(async () => addJob(await importPaths(paths, target)));
  };

  // Folders dropped with "Keep dropped folders in sync" checked are watched rather than imported once.
  const onFolders = async (paths: string[]) => {
    for (const path of paths) {
      try {
        notify(addedMessage(await watched.add(path, target)), {tone: "success"});
      } catch (error) {
        notify(`${baseName(path)} is not watched: ${errorMessage(error)}`, {tone: "error"});
      }
    }
  };

  async function exportPack(collection: string | null) {
    try {
      const saved = await packs.exportPack(collection);
      if (saved) notify(saved, {tone: "success"});
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    }
  }

  async function choosePack() {
    if (!(await packs.pickAndImport())) packInput.current?.click();
  }

  async function reindex() {
    const ok = await confirm({
      title: "Re-index all documents?",
      message: "Every document is embedded again with the current embedding model. Search keeps working meanwhile; this can take a while for large knowledge bases.",
      confirmLabel: "Re-index",
    });
    if (!ok) return;
    try {
      await client.invoke("knowledge.reindex");
      notify("Re-indexing started; its progress shows above the documents.", {tone: "info"});
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    }
  }

  const collections = stats.data?.collections ?? [];

  return (
    <div className="page">
      <header className="panel-header">
        <div>
          <h1 className="panel-title">Knowledge</h1>
          <p className="panel-subtitle muted">
            {stats.data
              ? `${formatNumber(stats.data.documents)} documents · ${formatNumber(stats.data.chunks)} chunks · ${stats.data.embeddingModel ? `embeddings: ${stats.data.embeddingModel}` : "no embedding model"}`
              : "Runbooks, manuals and tickets your answers are grounded in."}
          </p>
        </div>
        <div className="header-actions">
          {packs.canImport && (
            <Button icon="upload" onClick={() => void choosePack()} busy={packs.activity.state === "running"} title="Import a .deskpack file: documents with their passages and vectors">
              Import pack
            </Button>
          )}
          {packs.canExport && (
            <Button
              icon="download"
              onClick={() => void exportPack(null)}
              busy={packs.exporting === null}
              disabled={!stats.data || stats.data.documents === 0 || packs.exporting !== undefined}
              title="Save the whole knowledge base as one .deskpack file"
            >
              Export pack
            </Button>
          )}
          <Button icon="regenerate" onClick={() => void reindex()} disabled={!stats.data || stats.data.documents === 0 || reindexRunning}>
            Re-index all
          </Button>
          <input
            ref={packInput}
            type="file"
            accept=".deskpack"
            hidden
            aria-label="Choose a knowledge pack to import"
            onChange={(event) => {
              const file = event.target.files?.[0];
              event.target.value = "";
              if (file) void packs.importFile(file);
            }}
          />
        </div>
      </header>
      <div className="page-body">
        <ReindexStatus progress={reindexing.progress} onDismiss={reindexing.dismiss} />
        <PackImportStatus activity={packs.activity} onDismiss={packs.dismiss} />
        {stats.data?.notice && <Banner tone="warning">{stats.data.notice}</Banner>}
        {Boolean(documents.error || stats.error) && (
          <Banner tone="danger" title="Could not load the knowledge base">
            {errorMessage(documents.error || stats.error)}
          </Banner>
        )}
        <DropZone onFiles={onFiles} onPaths={onPaths} onFolders={(paths) => void onFolders(paths)} busy={importing} compact={(documents.data?.length ?? 0) > 0}>
          <label className="import-collection">
            <span>Into collection</span>
            <input className="input input-sm" list="import-collections" placeholder="None" value={collection} maxLength={200} onChange={(event) => setCollection(event.target.value)} />
            <datalist id="import-collections">
              {collections.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
          </label>
        </DropZone>
        <ImportJobList jobs={jobs} onReplace={replaceJob} onHide={hide} />
        <div className="tabs" role="tablist" aria-label="Knowledge views">
          <button type="button" role="tab" id="tab-documents" aria-controls="tabpanel-documents" aria-selected={tab === "documents"} className="tab" onClick={() => setTab("documents")}>
            Documents
          </button>
          <button type="button" role="tab" id="tab-search" aria-controls="tabpanel-search" aria-selected={tab === "search"} className="tab" onClick={() => setTab("search")}>
            Search playground
          </button>
        </div>
        <div role="tabpanel" id="tabpanel-documents" aria-labelledby="tab-documents" hidden={tab !== "documents"} className="documents-tab">
          <WatchedFoldersCard watched={watched} collection={collection} collections={collections} />
          {documents.data && (
            <CollectionsCard
              collections={collections}
              documents={documents.data}
              onRemoved={refresh}
              onExport={packs.canExport ? (name) => void exportPack(name) : undefined}
              exporting={packs.exporting}
            />
          )}
          {documents.data && (
            <DocumentsTable
              documents={documents.data}
              collections={collections}
              onChanged={(changed) => {
                documents.setData((list) => list?.map((item) => (item.id === changed.id ? changed : item)));
                void stats.reload();
              }}
              onRemoved={(id) => {
                documents.setData((list) => list?.filter((item) => item.id !== id));
                void stats.reload();
              }}
            />
          )}
        </div>
        <div role="tabpanel" id="tabpanel-search" aria-labelledby="tab-search" hidden={tab !== "search"}>
          <SearchPlayground collections={collections} />
        </div>
      </div>
      {confirmDialog}
    </div>
  );
}

import {useId, useState} from "react";
import {STARTER_COLLECTION, type KnowledgeDocument} from "../../../../shared/knowledge.js";
import {useClient} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {useSettings} from "../../state/settings.js";
import {Badge} from "../../ui/Badge.js";
import {Button} from "../../ui/Button.js";
import {formatNumber} from "../../ui/format.js";
import {Icon} from "../../ui/Icon.js";
import {Switch} from "../../ui/Switch.js";
import {useToast} from "../../ui/Toasts.js";
import {useConfirm} from "../../ui/useConfirm.js";

interface CollectionInfo {
  name: string;
  documents: number;
  starter: boolean;
}

/** Collections with their document counts, the starter articles first, then by name. */
export function collectionsOf(names: string[], documents: KnowledgeDocument[]): CollectionInfo[] {
  const counts = new Map<string, number>(names.map((name) => [name, 0]));
  for (const doc of documents) if (doc.collection) counts.set(doc.collection, (counts.get(doc.collection) ?? 0) + 1);
  return [...counts]
    .map(([name, count]) => ({name, documents: count, starter: name === STARTER_COLLECTION}))
    .sort((a, b) => Number(b.starter) - Number(a.starter) || a.name.localeCompare(b.name));
}

/**
 * Each collection can be left out of answers (retrieval.excludedCollections) or removed. The starter
 * articles come first and say what they are: teams usually drop them once their own runbooks are in.
 */
export function CollectionsCard({
  collections,
  documents,
  onRemoved,
  onExport,
  exporting,
}: {
  collections: string[];
  documents: KnowledgeDocument[];
  onRemoved: (collection: string) => void;
  /** Saves a collection as a knowledge pack; left out where packs cannot be saved. */
  onExport?: (collection: string) => void;
  /** The collection being exported now (null: the whole knowledge base; undefined: none). */
  exporting?: string | null;
}) {
  const client = useClient();
  const {view, update} = useSettings();
  const {notify} = useToast();
  const [confirm, confirmDialog] = useConfirm();
  const [busy, setBusy] = useState<string | null>(null);
  const idPrefix = useId();
  const excluded = view?.settings.retrieval.excludedCollections ?? [];
  const list = collectionsOf(collections, documents);
  if (list.length === 0) return null;

  async function setIncluded(name: string, included: boolean) {
    const next = included ? excluded.filter((item) => item !== name) : [...new Set([...excluded, name])];
    try {
      await update({retrieval: {excludedCollections: next}});
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    }
  }

  async function remove(collection: CollectionInfo) {
    const ok = await confirm(
      collection.starter
        ? {
            title: "Remove the starter articles?",
            message: `The ${formatNumber(collection.documents)} help-desk articles that ship with Deskside are deleted from the knowledge base and are not imported again. Your own documents are not touched.`,
            confirmLabel: "Remove starter articles",
            danger: true,
          }
        : {
            title: `Remove the collection "${collection.name}"?`,
            message: `Its ${formatNumber(collection.documents)} documents are deleted from the knowledge base. The files on disk are not touched.`,
            confirmLabel: "Remove collection",
            danger: true,
          },
    );
    if (!ok) return;
    setBusy(collection.name);
    try {
      const {deleted} = await client.invoke("knowledge.deleteCollection", {collection: collection.name});
      // A collection imported later under the same name should not start out hidden from answers.
      if (excluded.includes(collection.name)) await update({retrieval: {excludedCollections: excluded.filter((item) => item !== collection.name)}});
      notify(collection.starter ? `Removed ${formatNumber(deleted)} starter articles.` : `Removed "${collection.name}" (${formatNumber(deleted)} documents).`, {tone: "success"});
      onRemoved(collection.name);
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    } finally {
      setBusy(null);
    }
  }

  return (
    <section className="card collections-card" aria-label="Collections">
      <header className="card-header">
        <Icon name="folder" size={18} />
        <h2>Collections</h2>
        <span className="muted">Leave a collection out of answers, export it as a pack, or remove it</span>
      </header>
      <ul className="collection-rows">
        {list.map((collection, index) => {
          const included = !excluded.includes(collection.name);
          const switchId = `${idPrefix}-${index}`;
          return (
            <li key={collection.name} className={`collection-row${collection.starter ? " collection-row-starter" : ""}`} aria-label={collection.name}>
              <div className="collection-about">
                <div className="collection-name">
                  <strong>{collection.name}</strong>
                  {collection.starter && (
                    <Badge tone="accent" icon="sparkles">
                      Ships with Deskside
                    </Badge>
                  )}
                </div>
                <span className="muted">
                  {formatNumber(collection.documents)} {collection.documents === 1 ? "document" : "documents"}
                  {collection.starter && " · general help-desk articles; leave them out once your team's own runbooks are in"}
                </span>
              </div>
              <div className="collection-included">
                <Switch id={switchId} checked={included} onChange={(next) => void setIncluded(collection.name, next)} label={`Use "${collection.name}" in answers`} disabled={!view} />
                <label htmlFor={switchId} className={included ? "" : "muted"}>
                  {included ? "Included in answers" : "Excluded"}
                </label>
              </div>
              <div className="collection-actions">
                {onExport && (
                  <Button
                    size="sm"
                    icon="download"
                    busy={exporting === collection.name}
                    disabled={exporting !== undefined}
                    onClick={() => onExport(collection.name)}
                    aria-label={`Export the collection "${collection.name}" as a pack`}
                    title="Save this collection as a .deskpack file"
                  >
                    Export
                  </Button>
                )}
                <Button
                  size="sm"
                  icon="trash"
                  busy={busy === collection.name}
                  onClick={() => void remove(collection)}
                  aria-label={collection.starter ? undefined : `Remove the collection "${collection.name}"`}
                >
                  {collection.starter ? "Remove starter articles" : "Remove"}
                </Button>
              </div>
            </li>
          );
        })}
      </ul>
      {confirmDialog}
    </section>
  );
}

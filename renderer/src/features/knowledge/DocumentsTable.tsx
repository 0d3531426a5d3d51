import {useId, useMemo, useRef, useState, type FormEvent} from "react";
import type {KnowledgeDocument} from "../../../../shared/knowledge.js";
import {useClient} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {Badge} from "../../ui/Badge.js";
import {IconButton} from "../../ui/Button.js";
import {EmptyState} from "../../ui/EmptyState.js";
import {baseName, formatBytes, formatDate, formatNumber} from "../../ui/format.js";
import {Icon} from "../../ui/Icon.js";
import {useToast} from "../../ui/Toasts.js";
import {useConfirm} from "../../ui/useConfirm.js";
import {DocumentReader} from "./DocumentReader.js";

export function DocumentsTable({
  documents,
  collections,
  onChanged,
  onRemoved,
}: {
  documents: KnowledgeDocument[];
  collections: string[];
  onChanged: (document: KnowledgeDocument) => void;
  onRemoved: (id: string) => void;
}) {
  const client = useClient();
  const {notify} = useToast();
  const [confirm, confirmDialog] = useConfirm();
  const [filter, setFilter] = useState("");
  const [editing, setEditing] = useState<string | null>(null);
  /** The document open in the reader: its sections and passages, as a citation shows them. */
  const [reading, setReading] = useState<KnowledgeDocument | null>(null);
  const listId = useId();

  const shown = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const sorted = [...documents].sort((a, b) => b.importedAt.localeCompare(a.importedAt));
    if (!needle) return sorted;
    return sorted.filter((document) => [document.title, document.sourcePath, document.collection ?? "", document.kind].some((value) => value.toLowerCase().includes(needle)));
  }, [documents, filter]);

  async function remove(document: KnowledgeDocument) {
    const ok = await confirm({
      title: "Delete document?",
      message: `"${document.title}" and its ${document.chunkCount} chunks will be removed from the knowledge base. The file on disk is not touched.`,
      confirmLabel: "Delete",
      danger: true,
    });
    if (!ok) return;
    try {
      await client.invoke("knowledge.delete", {id: document.id});
      onRemoved(document.id);
      notify(`Deleted "${document.title}".`, {tone: "success"});
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    }
  }

  async function moveTo(document: KnowledgeDocument, collection: string) {
    setEditing(null);
    const next = collection.trim() || null;
    if (next === document.collection) return;
    try {
      onChanged(await client.invoke("knowledge.setCollection", {id: document.id, collection: next}));
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    }
  }

  if (documents.length === 0) {
    return (
      <EmptyState icon="book" title="The knowledge base is empty">
        Drop your team's runbooks, manuals or exported tickets above. Answers will cite them.
      </EmptyState>
    );
  }

  return (
    <div className="documents">
      {reading && <DocumentReader documentId={reading.id} title={reading.title} onClose={() => setReading(null)} />}
      <div className="table-toolbar">
        <div className="search-input">
          <Icon name="search" size={14} />
          <input type="search" className="input input-sm" placeholder="Filter documents" aria-label="Filter documents" value={filter} onChange={(event) => setFilter(event.target.value)} />
        </div>
        <span className="muted">
          {shown.length === documents.length ? `${formatNumber(documents.length)} documents` : `${formatNumber(shown.length)} of ${formatNumber(documents.length)} documents`}
        </span>
      </div>
      <datalist id={listId}>
        {collections.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      <div className="table-wrap">
        <table className="table" aria-label="Documents">
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Type</th>
              <th scope="col">Collection</th>
              <th scope="col" className="num">
                Chunks
              </th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">Imported</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((document) => (
              <tr key={document.id}>
                <td>
                  <div className="doc-title">
                    {document.chunkCount > 0 ? (
                      <button type="button" className="doc-title-text doc-title-open" aria-label={`Read "${document.title}"`} onClick={() => setReading(document)}>
                        {document.title}
                      </button>
                    ) : (
                      <span className="doc-title-text">{document.title}</span>
                    )}
                    <span className="doc-source muted" title={document.sourcePath}>
                      {baseName(document.sourcePath)}
                    </span>
                  </div>
                </td>
                <td data-label="Type">
                  <span className="kind-pill">{document.kind}</span>
                </td>
                <td data-label="Collection">
                  {editing === document.id ? (
                    <CollectionEditor initial={document.collection ?? ""} listId={listId} onDone={(value) => void moveTo(document, value)} onCancel={() => setEditing(null)} />
                  ) : (
                    <button type="button" className="collection-button" aria-label={`Collection of "${document.title}": ${document.collection ?? "none"}. Change`} onClick={() => setEditing(document.id)}>
                      {document.collection ?? <span className="muted">None</span>}
                      <Icon name="pencil" size={12} />
                    </button>
                  )}
                </td>
                <td className="num" data-label="Chunks">
                  {formatNumber(document.chunkCount)}
                </td>
                <td className="num" data-label="Size">
                  {formatBytes(document.sizeBytes)}
                </td>
                <td className="nowrap" data-label="Imported">
                  {formatDate(document.importedAt)}
                </td>
                <td data-label="Status">
                  {document.status === "ready" ? (
                    document.embeddingModel ? (
                      <Badge tone="success">Ready</Badge>
                    ) : (
                      <Badge tone="info" title="Stored without vectors; found by text search only until re-indexed.">
                        Text only
                      </Badge>
                    )
                  ) : (
                    <Badge tone="danger" title={document.error?.message}>
                      Failed
                    </Badge>
                  )}
                  {document.notes.length > 0 && <DocumentNotes document={document} />}
                </td>
                <td className="row-actions">
                  <IconButton icon="trash" size="sm" label={`Delete "${document.title}"`} onClick={() => void remove(document)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {confirmDialog}
    </div>
  );
}

/** What the import noticed about the file (pages without text, replaced bytes), kept after its report is gone. */
function DocumentNotes({document}: {document: KnowledgeDocument}) {
  const count = document.notes.length;
  return (
    <details className="doc-notes">
      <summary>{count === 1 ? "1 note" : `${count} notes`}</summary>
      <ul aria-label={`Notes on "${document.title}"`}>
        {document.notes.map((note, index) => (
          <li key={index}>{note}</li>
        ))}
      </ul>
    </details>
  );
}

function CollectionEditor({initial, listId, onDone, onCancel}: {initial: string; listId: string; onDone: (value: string) => void; onCancel: () => void}) {
  const [value, setValue] = useState(initial);
  const finished = useRef(false);
  function finish(action: () => void) {
    if (finished.current) return;
    finished.current = true;
    action();
  }
  return (
    <form
      onSubmit={(event: FormEvent) => {
        event.preventDefault();
        finish(() => onDone(value));
      }}
    >
      <input
        className="input input-sm"
        aria-label="Collection"
        list={listId}
        value={value}
        maxLength={200}
        autoFocus
        placeholder="None"
        onChange={(event) => setValue(event.target.value)}
        onBlur={() => finish(() => onDone(value))}
        onKeyDown={(event) => {
          if (event.key === "Escape") {
            event.stopPropagation();
            finish(onCancel);
          }
        }}
      />
    </form>
  );
}

import {useState} from "react";
import type {WatchedFolder} from "../../../../shared/knowledge.js";
import {errorMessage} from "../../client/rpc-error.js";
import {Banner} from "../../ui/Banner.js";
import {Button} from "../../ui/Button.js";
import {Dialog} from "../../ui/Dialog.js";
import {baseName, formatNumber} from "../../ui/format.js";

const documentsLabel = (count: number) => `${formatNumber(count)} ${count === 1 ? "document" : "documents"}`;

/** Stops watching a folder; its documents stay as ordinary documents or go with it. */
export function RemoveFolderDialog({folder, onRemove, onClose}: {folder: WatchedFolder; onRemove: (keepDocuments: boolean) => Promise<void>; onClose: () => void}) {
  const [busy, setBusy] = useState<"keep" | "delete" | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Files that failed to import or were left out are listed with their reason like any document, and go with the rest.
  const count = folder.documents + folder.failed + folder.leftOutCount;

  async function remove(keepDocuments: boolean) {
    setBusy(keepDocuments ? "keep" : "delete");
    setError(null);
    try {
      await onRemove(keepDocuments);
      onClose();
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(null);
    }
  }

  return (
    <Dialog
      title={`Stop watching "${baseName(folder.path)}"?`}
      // Wide enough for its three answers on one line.
      size="md"
      onClose={() => busy === null && onClose()}
      footer={
        <>
          <Button onClick={onClose} disabled={busy !== null}>
            Cancel
          </Button>
          {count > 0 ? (
            <>
              <Button onClick={() => void remove(true)} busy={busy === "keep"} disabled={busy !== null} data-autofocus>
                Keep {documentsLabel(count)}
              </Button>
              <Button variant="danger" icon="trash" onClick={() => void remove(false)} busy={busy === "delete"} disabled={busy !== null}>
                Delete {documentsLabel(count)}
              </Button>
            </>
          ) : (
            <Button variant="danger" onClick={() => void remove(false)} busy={busy === "delete"} disabled={busy !== null} data-autofocus>
              Stop watching
            </Button>
          )}
        </>
      }
    >
      <div className="stack">
        <p className="remove-folder-text">
          Changes in <span className="folder-path-inline">{folder.path}</span> are no longer followed.{" "}
          {count > 0
            ? `Its ${documentsLabel(count)} can stay in the knowledge base as ordinary documents, or be deleted from it.`
            : "No documents from it are in the knowledge base."}{" "}
          The files in the folder are not touched.
        </p>
        {error && <Banner tone="danger">{error}</Banner>}
      </div>
    </Dialog>
  );
}

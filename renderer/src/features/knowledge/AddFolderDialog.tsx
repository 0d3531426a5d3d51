import {useState, type FormEvent} from "react";
import {CollectionInput} from "../../ui/CollectionInput.js";
import type {WatchedFolder} from "../../../../shared/knowledge.js";
import {errorCode, errorMessage} from "../../client/rpc-error.js";
import {Button} from "../../ui/Button.js";
import {Dialog} from "../../ui/Dialog.js";
import {Field} from "../../ui/Field.js";

/**
 * A browser cannot pick a folder on the computer running Deskside, so the path is typed: the
 * server's own path (a share it mounts, a folder on its disk), checked by the core when added.
 */
export function AddFolderDialog({
  initialCollection,
  collections,
  onAdd,
  onClose,
}: {
  initialCollection: string;
  collections: string[];
  onAdd: (path: string, collection: string | null) => Promise<WatchedFolder>;
  onClose: (added: WatchedFolder | null) => void;
}) {
  const [path, setPath] = useState("");
  const [collection, setCollection] = useState(initialCollection);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{code: string | null; message: string} | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const folder = path.trim();
    if (!folder) {
      setError({code: null, message: "Type the folder's full path."});
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onClose(await onAdd(folder, collection.trim() || null));
    } catch (caught) {
      setError({code: errorCode(caught), message: errorMessage(caught)});
      setBusy(false);
    }
  }

  return (
    <Dialog
      title="Keep a folder in sync"
      description="Its documents are imported now, and files added, changed, renamed or deleted in it follow within seconds."
      size="sm"
      onClose={() => onClose(null)}
    >
      <form className="stack" onSubmit={submit}>
        <Field
          label="Folder path on the computer running Deskside"
          hint="Its full path as that computer sees it, for example /srv/runbooks or C:\Runbooks."
          error={error ? (error.code ? `${error.message} (${error.code})` : error.message) : null}
        >
          {(control) => (
            <input
              {...control}
              className="input"
              value={path}
              maxLength={4096}
              spellCheck={false}
              autoComplete="off"
              placeholder="/srv/runbooks"
              onChange={(event) => setPath(event.target.value)}
              data-autofocus
            />
          )}
        </Field>
        <Field label="Collection" hint="Optional. Its documents go into this collection.">
          {(control) => <CollectionInput control={control} value={collection} onChange={setCollection} collections={collections} />}
        </Field>
        <div className="dialog-actions">
          <Button onClick={() => onClose(null)}>Cancel</Button>
          <Button variant="primary" type="submit" icon="folderSync" busy={busy}>
            Add folder
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

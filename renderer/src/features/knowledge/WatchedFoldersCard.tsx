import {useEffect, useState} from "react";
import type {WatchedFolder} from "../../../../shared/knowledge.js";
import {useClient} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {Banner} from "../../ui/Banner.js";
import {Button} from "../../ui/Button.js";
import {formatNumber} from "../../ui/format.js";
import {Icon} from "../../ui/Icon.js";
import {useToast} from "../../ui/Toasts.js";
import {AddFolderDialog} from "./AddFolderDialog.js";
import {RemoveFolderDialog} from "./RemoveFolderDialog.js";
import type {WatchedFoldersState} from "./useWatchedFolders.js";
import {WatchedFolderRow} from "./WatchedFolderRow.js";

/** The current time, moved on every `everyMs`, so "Last synced 5 min ago" does not stand still. */
function useNow(everyMs: number): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

export function addedMessage(folder: WatchedFolder): string {
  return `Watching ${folder.path}: its documents are being imported${folder.collection ? ` into ${folder.collection}` : ""} and will follow changes in the folder.`;
}

/**
 * Folders kept in sync with the knowledge base. The desktop app picks one with its own folder
 * dialog; a browser types the path, since the folder is one on the computer running Deskside.
 */
export function WatchedFoldersCard({watched, collection, collections}: {watched: WatchedFoldersState; collection: string; collections: string[]}) {
  const client = useClient();
  const {notify} = useToast();
  const now = useNow(30_000);
  const [adding, setAdding] = useState(false);
  const [picking, setPicking] = useState(false);
  const [removing, setRemoving] = useState<WatchedFolder | null>(null);
  const folders = watched.folders ?? [];

  async function addFolder() {
    const pickFiles = client.desktop?.pickFiles;
    if (!pickFiles) {
      setAdding(true);
      return;
    }
    setPicking(true);
    try {
      for (const path of await pickFiles({directories: true})) notify(addedMessage(await watched.add(path, collection.trim() || null)), {tone: "success"});
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    } finally {
      setPicking(false);
    }
  }

  async function remove(folder: WatchedFolder, keepDocuments: boolean) {
    const deleted = await watched.remove(folder.id, keepDocuments);
    notify(
      keepDocuments
        ? `Stopped watching ${folder.path}; its documents stay in the knowledge base.`
        : `Stopped watching ${folder.path} and deleted ${formatNumber(deleted)} ${deleted === 1 ? "document" : "documents"}.`,
      {tone: "success"},
    );
  }

  return (
    <section className="card watched-folders-card" aria-label="Watched folders">
      <header className="card-header">
        <Icon name="folderSync" size={18} />
        <h2>Watched folders</h2>
        <span className="muted watched-folders-about">Files added, changed or deleted in these folders follow within seconds</span>
        <Button size="sm" icon="plus" onClick={() => void addFolder()} busy={picking} title="Keep a folder's documents in sync with the knowledge base">
          Add folder…
        </Button>
      </header>
      {watched.error ? (
        <Banner tone="danger" title="Could not load the watched folders">
          {errorMessage(watched.error)}
        </Banner>
      ) : folders.length === 0 ? (
        <p className="muted watched-folders-empty">{watched.loading ? "Loading…" : "No folder is watched. Add your team's runbook folder and its documents are imported, then kept in sync."}</p>
      ) : (
        <ul className="folder-rows">
          {folders.map((folder) => (
            <WatchedFolderRow
              key={folder.id}
              folder={folder}
              now={now}
              onPause={(paused) => watched.setPaused(folder.id, paused)}
              onRescan={() => watched.rescan(folder.id)}
              onRemove={() => setRemoving(folder)}
            />
          ))}
        </ul>
      )}
      {adding && (
        <AddFolderDialog
          initialCollection={collection}
          collections={collections}
          onAdd={watched.add}
          onClose={(added) => {
            setAdding(false);
            if (added) notify(addedMessage(added), {tone: "success"});
          }}
        />
      )}
      {removing && (
        <RemoveFolderDialog
          // The dialog's counts follow the folder while it is open.
          folder={folders.find((folder) => folder.id === removing.id) ?? removing}
          onRemove={(keepDocuments) => remove(removing, keepDocuments)}
          onClose={() => setRemoving(null)}
        />
      )}
    </section>
  );
}

import {useCallback, useRef} from "react";
import type {EventMap} from "../../../../shared/contract.js";
import type {WatchedFolder} from "../../../../shared/knowledge.js";
import {useClient, useEvent, useRpcQuery} from "../../client/context.js";
import {useResync} from "../../shell/connection.js";

/** The list after one knowledge.folder event: the folder added or replaced in place, or dropped when it was removed. */
export function withFolderEvent(list: WatchedFolder[], event: EventMap["knowledge.folder"]): WatchedFolder[] {
  const {removed, ...folder} = event;
  if (removed) return list.filter((item) => item.id !== folder.id);
  const index = list.findIndex((item) => item.id === folder.id);
  if (index === -1) return [...list, folder];
  const next = list.slice();
  next[index] = folder;
  return next;
}

/**
 * The watched folders (knowledge.folders), kept current by knowledge.folder events. The core
 * announces every change, so an answer to an action is only used while no event about that folder
 * has come in since the action started: an event may overtake the answer (a rescan of a small
 * folder can be over before its answer arrives), and the answer must not put the older state back.
 */
export function useWatchedFolders() {
  const client = useClient();
  const query = useRpcQuery("knowledge.folders");
  const {setData, reload} = query;
  /** Events seen per folder, to tell whether one came in while an action was under way. */
  const seen = useRef(new Map<string, number>());
  /** Folders removed here: an event already on its way for one of them must not bring it back. */
  const gone = useRef(new Set<string>());

  useEvent("knowledge.folder", (event) => {
    seen.current.set(event.id, (seen.current.get(event.id) ?? 0) + 1);
    if (gone.current.has(event.id)) return;
    setData((list) => withFolderEvent(list ?? [], event));
  });
  useResync(() => void reload());

  const act = useCallback(
    async (id: string | null, run: () => Promise<WatchedFolder>): Promise<WatchedFolder> => {
      const before = id === null ? 0 : (seen.current.get(id) ?? 0);
      const folder = await run();
      const overtaken = (seen.current.get(folder.id) ?? 0) > before;
      if (!overtaken && !gone.current.has(folder.id)) setData((list) => withFolderEvent(list ?? [], folder));
      return folder;
    },
    [setData],
  );

  const add = useCallback((path: string, collection: string | null) => act(null, () => client.invoke("knowledge.addFolder", {path, collection})), [act, client]);
  const setPaused = useCallback((id: string, paused: boolean) => act(id, () => client.invoke("knowledge.pauseFolder", {id, paused})), [act, client]);
  const rescan = useCallback((id: string) => act(id, () => client.invoke("knowledge.rescanFolder", {id})), [act, client]);
  const remove = useCallback(
    async (id: string, keepDocuments: boolean): Promise<number> => {
      const {deleted} = await client.invoke("knowledge.removeFolder", {id, keepDocuments});
      gone.current.add(id);
      setData((list) => list?.filter((item) => item.id !== id));
      return deleted;
    },
    [client, setData],
  );

  return {folders: query.data, error: query.error, loading: query.loading, reload, add, setPaused, rescan, remove};
}

export type WatchedFoldersState = ReturnType<typeof useWatchedFolders>;

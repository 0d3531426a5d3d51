import {useId, useState} from "react";
import type {WatchedFolder} from "../../../../shared/knowledge.js";
import {errorMessage} from "../../client/rpc-error.js";
import {Badge, type Tone} from "../../ui/Badge.js";
import {Banner} from "../../ui/Banner.js";
import {Button} from "../../ui/Button.js";
import {formatDate, formatNumber, formatRelative} from "../../ui/format.js";
import {Icon, type IconName} from "../../ui/Icon.js";
import {useToast} from "../../ui/Toasts.js";

const STATES: Record<WatchedFolder["state"], {label: string; tone: Tone; icon: IconName; explanation: string}> = {
  watching: {label: "Watching", tone: "success", icon: "check", explanation: "In sync; changes in the folder follow within seconds."},
  scanning: {label: "Scanning", tone: "info", icon: "search", explanation: "Comparing every file in the folder with the knowledge base."},
  syncing: {label: "Syncing", tone: "info", icon: "regenerate", explanation: "Importing or removing files that changed."},
  paused: {label: "Paused", tone: "neutral", icon: "pause", explanation: "Changes are not followed; its documents stay searchable. Resume to catch up."},
  missing: {label: "Folder missing", tone: "warning", icon: "warning", explanation: "The folder is gone (deleted, renamed or on a drive that is not connected). Its documents are kept until it comes back or is removed."},
  error: {label: "Error", tone: "danger", icon: "warning", explanation: "The folder cannot be watched or read; see the message below."},
};

/** A file's path inside its watched folder ("network/vpn.md"); paths outside it are shown whole. */
export function pathInFolder(folder: string, file: string): string {
  const root = folder.replace(/[\\/]+$/, "");
  const windows = /^[a-z]:\\/i.test(root) || root.startsWith("\\\\");
  const inside = windows ? file.toLowerCase().startsWith(root.toLowerCase()) : file.startsWith(root);
  if (inside && /[\\/]/.test(file.charAt(root.length))) return file.slice(root.length + 1) || file;
  return file;
}

const LEFT_OUT_EXPLANATION = "Files with nothing to import: empty files, pictures without text, pages that only point to or include others. Not an error.";

const count = (value: number, one: string, many: string) => `${formatNumber(value)} ${value === 1 ? one : many}`;

/** One watched folder: where it is, how it stands, what failed in it, and what can be done with it. */
export function WatchedFolderRow({
  folder,
  now,
  onPause,
  onRescan,
  onRemove,
}: {
  folder: WatchedFolder;
  now: Date;
  onPause: (paused: boolean) => Promise<unknown>;
  onRescan: () => Promise<unknown>;
  onRemove: () => void;
}) {
  const {notify} = useToast();
  const [busy, setBusy] = useState<"pause" | "rescan" | null>(null);
  const state = STATES[folder.state];
  const working = folder.state === "scanning" || folder.state === "syncing";

  async function run(kind: "pause" | "rescan", action: () => Promise<unknown>) {
    setBusy(kind);
    try {
      await action();
    } catch (error) {
      notify(errorMessage(error), {tone: "error"});
    } finally {
      setBusy(null);
    }
  }

  return (
    <li className={`folder-row folder-row-${folder.state}`} aria-label={folder.path}>
      <div className="folder-row-main">
        <div className="folder-about">
          <div className="folder-title">
            <Icon name="folder" size={16} />
            <span className="folder-path" title={folder.path}>
              {folder.path}
            </span>
            <Badge tone={state.tone} icon={state.icon} title={state.explanation}>
              {state.label}
            </Badge>
          </div>
          <div className="folder-meta">
            <span className={folder.collection ? "folder-collection" : "folder-collection muted"}>{folder.collection ? `Collection: ${folder.collection}` : "No collection"}</span>
            <span>{count(folder.files, "file", "files")}</span>
            <span>{count(folder.documents, "document", "documents")}</span>
            <span className={folder.failed > 0 ? "folder-count-failed" : "muted"}>{formatNumber(folder.failed)} failed</span>
            {folder.leftOutCount > 0 && (
              <span className="muted" title={LEFT_OUT_EXPLANATION}>
                {formatNumber(folder.leftOutCount)} left out
              </span>
            )}
            <span className={folder.pending > 0 ? "folder-count-pending" : "muted"}>{formatNumber(folder.pending)} pending</span>
            <span className="muted" title={folder.lastSyncAt ? `Last synced ${formatDate(folder.lastSyncAt)}` : undefined}>
              {folder.lastSyncAt ? `Last synced ${formatRelative(folder.lastSyncAt, now)}` : working ? "First sync under way" : "Not synced yet"}
            </span>
          </div>
        </div>
        <div className="folder-actions">
          <Button
            size="sm"
            icon={folder.paused ? "play" : "pause"}
            busy={busy === "pause"}
            disabled={busy !== null}
            onClick={() => void run("pause", () => onPause(!folder.paused))}
            aria-label={`${folder.paused ? "Resume" : "Pause"} watching ${folder.path}`}
            title={folder.paused ? "Follow changes again, after a full comparison of the folder" : "Stop following changes for now; its documents stay searchable"}
          >
            {folder.paused ? "Resume" : "Pause"}
          </Button>
          <Button
            size="sm"
            icon="regenerate"
            busy={busy === "rescan"}
            disabled={busy !== null || folder.paused}
            onClick={() => void run("rescan", onRescan)}
            aria-label={`Rescan ${folder.path}`}
            title="Compare every file with the knowledge base now and fix any difference"
          >
            Rescan
          </Button>
          <Button size="sm" icon="trash" disabled={busy !== null} onClick={onRemove} aria-label={`Remove ${folder.path}`} title="Stop watching this folder">
            Remove
          </Button>
        </div>
      </div>
      {folder.error && (
        // A folder that is still kept in sync some other way (rescans every minute) is a warning, not a failure.
        <Banner tone={folder.state === "error" ? "danger" : "warning"}>
          <span data-code={folder.error.code}>{`${folder.error.message} (${folder.error.code})`}</span>
        </Banner>
      )}
      <FolderFileList folder={folder} files={folder.errors} total={Math.max(folder.failed, folder.errors.length)} what="with errors" listName="Errors in" />
      <FolderFileList folder={folder} files={folder.leftOut} total={folder.leftOutCount} what="left out" listName="Left out of" explanation={LEFT_OUT_EXPLANATION} listClass="folder-left-out-list" />
    </li>
  );
}

/** A folder's files of one kind (failed, left out), folded away behind a count. */
function FolderFileList({
  folder,
  files,
  total,
  what,
  listName,
  explanation,
  listClass,
}: {
  folder: WatchedFolder;
  files: WatchedFolder["errors"];
  total: number;
  what: string;
  listName: string;
  explanation?: string;
  listClass?: string;
}) {
  const listId = useId();
  const [expanded, setExpanded] = useState(false);
  if (files.length === 0) return null;
  const more = total > files.length ? ` (first ${formatNumber(files.length)} shown)` : "";
  return (
    <div className="folder-errors">
      <button type="button" className="link-button folder-errors-toggle" aria-expanded={expanded} aria-controls={listId} title={explanation} onClick={() => setExpanded((open) => !open)}>
        <Icon name={expanded ? "chevronDown" : "chevronRight"} size={14} />
        {expanded ? "Hide" : "Show"} {count(files.length, "file", "files")} {what}
        {more}
      </button>
      {expanded && (
        <ul id={listId} className={`folder-error-list${listClass ? ` ${listClass}` : ""}`} aria-label={`${listName} ${folder.path}`}>
          {files.map((item) => (
            <li key={`${item.path}:${item.code}`} className="folder-error">
              <span className="folder-error-path" title={item.path}>
                {pathInFolder(folder.path, item.path)}
              </span>
              <code className="folder-error-code">{item.code}</code>
              <span className="folder-error-message">{item.message}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

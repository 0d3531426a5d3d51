import {useRef, useState, type DragEvent, type ReactNode} from "react";
import {useClient} from "../../client/context.js";
import {Button} from "../../ui/Button.js";
import {Icon} from "../../ui/Icon.js";
import {collectDroppedFiles, filesFromInput, splitDroppedFolders, type PickedFile} from "./dropped-files.js";
import {desktopPathOf} from "./useKnowledgeImport.js";

const ACCEPT = ".pdf,.docx,.html,.htm,.md,.markdown,.rst,.txt,.csv,.json,.log,.eml,.msg,.mbox,.png,.jpg,.jpeg,.tif,.tiff,.1,.2,.3,.4,.5,.6,.7,.8,.9,.man,.info,.gz";
const FORMATS =
  "PDF, Word, HTML, Markdown, text, CSV, JSON, saved emails (.eml, Outlook .msg, .mbox), manual pages (.1–.9), any of these gzipped (.gz), and scans or images of text (PNG, JPEG, TIFF; read by OCR). Folders are imported with everything inside.";

/**
 * Files and folders in by drag and drop or the pickers; `compact` once there are documents, so the
 * table stays in view. In the desktop app dropped folders can be watched instead of imported once
 * (`onFolders`); a browser only hands over copies of files, so there it points to Add folder….
 */
export function DropZone({
  onFiles,
  onPaths,
  onFolders,
  busy,
  compact = false,
  children,
}: {
  onFiles: (files: PickedFile[]) => void;
  onPaths: (paths: string[]) => void;
  /** Folders dropped while "Keep dropped folders in sync" is checked (desktop app). */
  onFolders?: (paths: string[]) => void;
  busy: boolean;
  compact?: boolean;
  children?: ReactNode;
}) {
  const {desktop} = useClient();
  const [over, setOver] = useState(false);
  const [keepInSync, setKeepInSync] = useState(false);
  const canWatch = Boolean(onFolders && desktop?.pathForFile);
  const fileInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);
  const depth = useRef(0);

  function onDrop(event: DragEvent<HTMLDivElement>) {
    event.preventDefault();
    depth.current = 0;
    setOver(false);
    if (keepInSync && canWatch && onFolders) {
      const split = splitDroppedFolders(event.dataTransfer, (file) => desktopPathOf(file, desktop));
      if (split && split.folders.length > 0) {
        onFolders(split.folders);
        if (split.files.length > 0) onPaths(split.files);
        return;
      }
    }
    // In the desktop app dropped folders have a path too; the core walks them itself.
    const top = Array.from(event.dataTransfer.files ?? []);
    const paths = top.map((file) => desktopPathOf(file, desktop));
    if (top.length > 0 && paths.every((path): path is string => path !== null)) {
      onPaths(paths);
      return;
    }
    void collectDroppedFiles(event.dataTransfer).then((files) => files.length > 0 && onFiles(files));
  }

  async function pick(folders: boolean) {
    if (desktop?.pickFiles) {
      const paths = await desktop.pickFiles({directories: folders});
      if (paths.length > 0) onPaths(paths);
      return;
    }
    (folders ? folderInput : fileInput).current?.click();
  }

  return (
    <div
      className={`drop-zone${compact ? " drop-zone-compact" : ""}${over ? " drop-zone-over" : ""}`}
      role="region"
      aria-label="Import documents"
      onDragEnter={(event) => {
        event.preventDefault();
        depth.current++;
        setOver(true);
      }}
      onDragOver={(event) => {
        event.preventDefault();
        event.dataTransfer.dropEffect = "copy";
      }}
      onDragLeave={() => {
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setOver(false);
      }}
      onDrop={onDrop}
    >
      <div className="drop-zone-icon">
        <Icon name="upload" size={compact ? 18 : 22} />
      </div>
      <div className="drop-zone-text" title={compact ? FORMATS : undefined}>
        <strong>Drop runbooks, manuals and exported tickets here</strong>
        {!compact && <span className="muted">{FORMATS}</span>}
        {children}
        {canWatch ? (
          <label className="drop-zone-sync" title="Dropped folders are watched: files added, changed or deleted in them follow within seconds. Files dropped on their own are imported once.">
            <input type="checkbox" checked={keepInSync} onChange={(event) => setKeepInSync(event.target.checked)} />
            <span>Keep dropped folders in sync</span>
          </label>
        ) : (
          onFolders && <span className="drop-zone-sync-hint muted">To keep a folder in sync, use Add folder… under Watched folders.</span>
        )}
      </div>
      <div className="drop-zone-actions">
        <Button icon="file" onClick={() => void pick(false)} busy={busy}>
          Choose files
        </Button>
        <Button icon="folder" onClick={() => void pick(true)} disabled={busy}>
          Choose folder
        </Button>
      </div>
      <input
        ref={fileInput}
        type="file"
        multiple
        accept={ACCEPT}
        hidden
        aria-label="Choose files to import"
        onChange={(event) => {
          const files = filesFromInput(event.target.files);
          event.target.value = "";
          if (files.length > 0) onFiles(files);
        }}
      />
      <input
        ref={folderInput}
        type="file"
        multiple
        hidden
        aria-label="Choose a folder to import"
        {...({webkitdirectory: ""} as Record<string, string>)}
        onChange={(event) => {
          const files = filesFromInput(event.target.files);
          event.target.value = "";
          if (files.length > 0) onFiles(files);
        }}
      />
    </div>
  );
}

import {useRef, useState, type DragEvent} from "react";
import {useClient} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {useAppInfo} from "../../state/app-info.js";
import {knownFolder} from "../../state/server-access.js";
import {Button} from "../../ui/Button.js";
import {CopyButton} from "../../ui/CopyButton.js";
import {Icon} from "../../ui/Icon.js";
import {ProgressBar} from "../../ui/ProgressBar.js";
import {useToast} from "../../ui/Toasts.js";

/** Imports a .gguf: a file dialog in the desktop app; in a browser, an upload (picked or dropped) with progress. */
export function ImportModelCard({onImported}: {onImported: () => void}) {
  const client = useClient();
  const {info} = useAppInfo();
  const {notify} = useToast();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A browser is not told where the server keeps its files; then the folder is described instead.
  const dataDir = knownFolder(info.dataDir);
  const modelsFolder = dataDir && `${dataDir.replace(/[\\/]$/, "")}${dataDir.includes("\\") ? "\\" : "/"}models`;
  const pickFiles = client.desktop?.pickFiles;
  const [upload, setUpload] = useState<{name: string; sent: number; total: number} | null>(null);
  const [over, setOver] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const cancel = useRef<AbortController | null>(null);

  async function uploadFile(file: File) {
    setError(null);
    if (!file.name.toLowerCase().endsWith(".gguf")) {
      setError(`${file.name} is not a .gguf model file.`);
      return;
    }
    const controller = new AbortController();
    cancel.current = controller;
    setUpload({name: file.name, sent: 0, total: file.size});
    try {
      const {model} = await client.upload<{model: {name: string}}>(`/api/models/${encodeURIComponent(file.name)}`, file, {
        signal: controller.signal,
        onProgress: (sent, total) => setUpload({name: file.name, sent, total}),
      });
      notify(`Imported ${model.name}. It is in the list above, ready to load.`, {tone: "success"});
      onImported();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      cancel.current = null;
      setUpload(null);
    }
  }

  function onDrop(event: DragEvent<HTMLElement>) {
    event.preventDefault();
    setOver(false);
    const file = event.dataTransfer.files[0];
    if (file && !upload) void uploadFile(file);
  }

  async function pickAndImport() {
    if (!pickFiles) return;
    const [path] = await pickFiles({filters: [{name: "GGUF models", extensions: ["gguf"]}]});
    if (!path) return;
    setBusy(true);
    setError(null);
    try {
      const model = await client.invoke("models.import", {path});
      notify(`Imported ${model.name}.`, {tone: "success"});
      onImported();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-label="Import a model">
      <header className="card-header">
        <Icon name="upload" size={18} />
        <h2>Import a .gguf file</h2>
      </header>
      {pickFiles ? (
        <div className="stack-sm">
          <p className="muted">The file is copied into Deskside's models folder and stays available offline.</p>
          <div>
            <Button icon="folder" onClick={() => void pickAndImport()} busy={busy}>
              Choose .gguf file…
            </Button>
          </div>
          {error && <p className="field-error">{error}</p>}
        </div>
      ) : client.canUpload ? (
        <div
          className={`stack-sm drop-zone drop-zone-compact${over ? " drop-zone-over" : ""}`}
          onDragOver={(event) => {
            event.preventDefault();
            setOver(true);
          }}
          onDragLeave={() => setOver(false)}
          onDrop={onDrop}
          data-testid="model-drop"
        >
          <p className="muted">Drop a .gguf file here, or choose one: it is sent to Deskside's models folder, checked, and stays available offline.</p>
          <input
            ref={input}
            type="file"
            accept=".gguf"
            hidden
            aria-label="GGUF model file"
            onChange={(event) => {
              const file = event.currentTarget.files?.[0];
              event.currentTarget.value = "";
              if (file) void uploadFile(file);
            }}
          />
          {upload ? (
            <div className="stack-sm">
              <ProgressBar value={upload.total ? upload.sent / upload.total : null} label={`Uploading ${upload.name}`} size="sm" />
              <div className="upload-status">
                <span className="muted">
                  {upload.sent < upload.total ? `Uploading ${upload.name}: ${formatMb(upload.sent)} of ${formatMb(upload.total)}` : `Checking ${upload.name}…`}
                </span>
                <Button size="sm" variant="ghost" onClick={() => cancel.current?.abort()}>
                  Cancel
                </Button>
              </div>
            </div>
          ) : (
            <div>
              <Button icon="upload" onClick={() => input.current?.click()}>
                Upload .gguf file…
              </Button>
            </div>
          )}
          {error && <p className="field-error">{error}</p>}
        </div>
      ) : (
        <div className="stack-sm">
          <p className="muted">Copy .gguf files into the models folder on the machine running Deskside; they appear in the list above.</p>
          {modelsFolder ? (
            <div className="path-box">
              <code>{modelsFolder}</code>
              <CopyButton text={modelsFolder} label="Copy folder path" iconOnly />
            </div>
          ) : (
            <p className="muted">
              It is <code>models</code> inside Deskside's data folder there; the server prints the data folder when it starts.
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function formatMb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(1)} MB`;
}

import {useState} from "react";
import {useClient} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {useAppInfo} from "../../state/app-info.js";
import {knownFolder} from "../../state/server-access.js";
import {Button} from "../../ui/Button.js";
import {CopyButton} from "../../ui/CopyButton.js";
import {Icon} from "../../ui/Icon.js";
import {useToast} from "../../ui/Toasts.js";

/** Imports a .gguf from disk: a file dialog in the desktop app, the models folder in a browser. */
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

import {useState, type FormEvent} from "react";
import type {DownloadState} from "../../../../shared/contract.js";
import {useClient, useEvent, useRpcQuery} from "../../client/context.js";
import {errorMessage} from "../../client/rpc-error.js";
import {Badge} from "../../ui/Badge.js";
import {Button} from "../../ui/Button.js";
import {Field} from "../../ui/Field.js";
import {formatBytes} from "../../ui/format.js";
import {Icon} from "../../ui/Icon.js";
import {ProgressBar} from "../../ui/ProgressBar.js";

function upsertDownload(list: DownloadState[], download: DownloadState): DownloadState[] {
  return list.some((item) => item.id === download.id) ? list.map((item) => (item.id === download.id ? download : item)) : [download, ...list];
}

/** Downloads a GGUF from Hugging Face; the one place Deskside goes online, and only on request. */
export function DownloadsCard({onFinished}: {onFinished: () => void}) {
  const client = useClient();
  const downloads = useRpcQuery("models.downloads");
  const [url, setUrl] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEvent("models.download", (download) => {
    downloads.setData((list) => upsertDownload(list ?? [], download));
    if (download.state === "done") onFinished();
  });

  async function start(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const download = await client.invoke("models.download", {url: url.trim()});
      downloads.setData((list) => upsertDownload(list ?? [], download));
      setUrl("");
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  async function cancel(id: string) {
    try {
      await client.invoke("models.cancelDownload", {id});
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }

  return (
    <section className="card" aria-label="Download a model">
      <header className="card-header">
        <Icon name="download" size={18} />
        <h2>Download from Hugging Face</h2>
      </header>
      <form className="stack-sm" onSubmit={start}>
        <Field
          label="GGUF file URL"
          error={error}
          hint={
            <>
              <Icon name="globe" size={12} /> Needs internet. Paste the link to a .gguf file, e.g. https://huggingface.co/…/resolve/main/model-Q4_K_M.gguf
            </>
          }
        >
          {(control) => (
            <div className="input-row">
              <input {...control} className="input" type="url" inputMode="url" placeholder="https://huggingface.co/…" value={url} onChange={(event) => setUrl(event.target.value)} />
              <Button type="submit" variant="primary" icon="download" busy={busy} disabled={!url.trim()}>
                Download
              </Button>
            </div>
          )}
        </Field>
      </form>
      {downloads.data && downloads.data.length > 0 && (
        <ul className="downloads">
          {downloads.data.map((download) => (
            <DownloadRow key={download.id} download={download} onCancel={() => void cancel(download.id)} />
          ))}
        </ul>
      )}
    </section>
  );
}

function DownloadRow({download, onCancel}: {download: DownloadState; onCancel: () => void}) {
  const share = download.totalBytes ? download.receivedBytes / download.totalBytes : null;
  return (
    <li className="download">
      <div className="download-head">
        <span className="download-name" title={download.url}>
          {download.fileName}
        </span>
        <span className="muted">
          {formatBytes(download.receivedBytes)}
          {download.totalBytes ? ` of ${formatBytes(download.totalBytes)}` : ""}
        </span>
        {download.state === "downloading" ? (
          <Button size="sm" variant="ghost" icon="close" onClick={onCancel} aria-label={`Cancel download of ${download.fileName}`}>
            Cancel
          </Button>
        ) : (
          <Badge tone={download.state === "done" ? "success" : download.state === "failed" ? "danger" : "neutral"}>
            {download.state === "done" ? "Done" : download.state === "failed" ? "Failed" : "Cancelled"}
          </Badge>
        )}
      </div>
      {download.state === "downloading" && <ProgressBar value={share} label={`Download of ${download.fileName}`} size="sm" />}
      {download.error && (
        <p className="field-error" data-code={download.error.code}>
          {download.error.message}
        </p>
      )}
    </li>
  );
}

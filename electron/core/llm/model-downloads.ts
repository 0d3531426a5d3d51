import {randomUUID} from "node:crypto";
import {stat} from "node:fs/promises";
import {createModelDownloader} from "node-llama-cpp";
import {DesksideError, toErrorInfo} from "../../../shared/errors.js";
import type {DownloadState, EventSink} from "../../../shared/contract.js";

/** Accepts Hugging Face page or resolve URLs, and any direct https link to a .gguf file. */
export function normalizeModelUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DesksideError("INVALID_INPUT", "That is not a valid URL.");
  }
  if (!["http:", "https:"].includes(parsed.protocol)) throw new DesksideError("INVALID_INPUT", "Only http(s) links can be downloaded.");
  // A "blob" page link on Hugging Face points at HTML; the file itself is under "resolve".
  if (parsed.hostname === "huggingface.co" || parsed.hostname === "hf.co") parsed.pathname = parsed.pathname.replace("/blob/", "/resolve/");
  if (!parsed.pathname.toLowerCase().endsWith(".gguf")) throw new DesksideError("INVALID_INPUT", "The link must point at a .gguf file.");
  return parsed.toString();
}

/**
 * Model downloads into the models folder, with progress and cancel. Nothing is fetched unless the
 * user asked for this URL; a cancelled or failed download leaves no partial model behind.
 */
export class ModelDownloads {
  private readonly downloads = new Map<string, {state: DownloadState; controller: AbortController}>();

  constructor(
    private readonly modelsDir: () => string,
    private readonly events: EventSink<"models.download">,
  ) {}

  list(): DownloadState[] {
    return [...this.downloads.values()].map((d) => ({...d.state})).reverse();
  }

  start(url: string): DownloadState {
    const modelUrl = normalizeModelUrl(url);
    const id = randomUUID();
    const controller = new AbortController();
    const state: DownloadState = {id, url: modelUrl, fileName: decodeURIComponent(new URL(modelUrl).pathname.split("/").pop() ?? "model.gguf"), receivedBytes: 0, totalBytes: null, state: "downloading", error: null};
    this.downloads.set(id, {state, controller});
    const update = (patch: Partial<DownloadState>) => {
      Object.assign(state, patch);
      this.events.emit("models.download", {...state});
    };
    void (async () => {
      try {
        const downloader = await createModelDownloader({
          modelUrl,
          dirPath: this.modelsDir(),
          deleteTempFileOnCancel: true,
          skipExisting: true,
          onProgress: ({totalSize, downloadedSize}) => update({receivedBytes: downloadedSize, totalBytes: totalSize || null}),
        });
        controller.signal.addEventListener("abort", () => void downloader.cancel({deleteTempFile: true}).catch(() => undefined), {once: true});
        const file = await downloader.download({signal: controller.signal});
        // The downloader can return normally after a cancel; only a complete file counts as done.
        const complete = !controller.signal.aborted && (await stat(file).then((s) => s.size === downloader.totalSize, () => false));
        if (controller.signal.aborted) update({state: "cancelled"});
        else if (!complete) update({state: "failed", error: {code: "DOWNLOAD_FAILED", message: "The download ended before the whole file arrived; try again."}});
        else update({state: "done", receivedBytes: downloader.totalSize, totalBytes: downloader.totalSize});
      } catch (error) {
        if (controller.signal.aborted) update({state: "cancelled"});
        else {
          const info = toErrorInfo(error);
          update({state: "failed", error: info.code === "INTERNAL" ? {code: "DOWNLOAD_FAILED", message: `The download failed: ${(error as Error).message ?? error}. Check the internet connection and the link.`} : info});
        }
      }
    })();
    this.events.emit("models.download", {...state});
    return {...state};
  }

  cancel(id: string): void {
    const found = this.downloads.get(id);
    if (!found) throw new DesksideError("NOT_FOUND", "No such download.");
    found.controller.abort();
  }

  cancelAll(): void {
    for (const {controller} of this.downloads.values()) controller.abort();
  }
}

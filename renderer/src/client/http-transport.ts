import type {RpcResponse} from "../../../shared/contract.js";
import type {FileDownload, FileUpload, Transport} from "./transport.js";

export interface HttpTransportOptions {
  token: string;
  /** Origin of the headless server; empty means the page's own origin. */
  baseUrl?: string;
  /** Reports whether the event stream is connected, so the status bar can say so. */
  onConnectionChange?: (connected: boolean) => void;
}

/** Browser mode: POST /rpc/<method> for calls, one shared EventSource on /events for events. */
export function createHttpTransport({token, baseUrl = "", onConnectionChange}: HttpTransportOptions): Transport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  let source: EventSource | null = null;

  function ensureSource(): EventSource | null {
    if (source || typeof EventSource === "undefined") return source;
    source = new EventSource(`${baseUrl}/events?token=${encodeURIComponent(token)}`);
    source.onopen = () => onConnectionChange?.(true);
    source.onerror = () => onConnectionChange?.(false);
    for (const name of listeners.keys()) attach(name);
    return source;
  }

  const attached = new Set<string>();
  function attach(name: string): void {
    if (!source || attached.has(name)) return;
    attached.add(name);
    source.addEventListener(name, (message) => {
      let payload: unknown;
      try {
        payload = JSON.parse((message as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const listener of listeners.get(name) ?? []) listener(payload);
    });
  }

  // XMLHttpRequest, not fetch: only it reports how much of a large body has been sent.
  const upload: FileUpload = (route, file, {onProgress, signal, method = "PUT"} = {}) =>
    new Promise((resolve) => {
      const request = new XMLHttpRequest();
      request.open(method, `${baseUrl}${route}`);
      request.setRequestHeader("authorization", `Bearer ${token}`);
      request.setRequestHeader("content-type", "application/octet-stream");
      request.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
      request.onload = () => {
        try {
          const body = JSON.parse(request.responseText) as {error?: {code: string; message: string}};
          resolve(request.status < 300 ? {ok: true, result: body} : {ok: false, error: body.error ?? {code: "INTERNAL", message: `Deskside answered with HTTP ${request.status}.`}});
        } catch {
          resolve({ok: false, error: {code: "INTERNAL", message: `Deskside answered with HTTP ${request.status}.`}});
        }
      };
      request.onerror = () => resolve({ok: false, error: {code: "OFFLINE", message: "Cannot reach Deskside. Check that the app or server is still running."}});
      request.onabort = () => resolve({ok: false, error: {code: "CANCELLED", message: "The upload was cancelled."}});
      signal?.addEventListener("abort", () => request.abort(), {once: true});
      request.send(file);
    });

  // fetch, read as it arrives so the caller can show how much has come; the token goes in a header,
  // never in a link a download manager would keep.
  const download: FileDownload = async (route, {onProgress} = {}) => {
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${route}`, {headers: {authorization: `Bearer ${token}`}});
    } catch {
      return {ok: false, error: {code: "OFFLINE", message: "Cannot reach Deskside. Check that the app or server is still running."}};
    }
    if (!response.ok) {
      try {
        const body = (await response.json()) as {error?: {code: string; message: string}};
        return {ok: false, error: body.error ?? {code: "INTERNAL", message: `Deskside answered with HTTP ${response.status}.`}};
      } catch {
        return {ok: false, error: {code: "INTERNAL", message: `Deskside answered with HTTP ${response.status}.`}};
      }
    }
    const total = Number(response.headers.get("content-length")) || null;
    const parts: Uint8Array<ArrayBuffer>[] = [];
    let received = 0;
    try {
      const reader = response.body!.getReader();
      for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        parts.push(value);
        received += value.byteLength;
        onProgress?.(received, total);
      }
    } catch {
      return {ok: false, error: {code: "OFFLINE", message: "The download stopped before it ended; try again."}};
    }
    const disposition = response.headers.get("content-disposition") ?? "";
    const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
    const plain = /filename="([^"]+)"/i.exec(disposition)?.[1];
    let fileName = plain ?? null;
    try {
      if (encoded) fileName = decodeURIComponent(encoded);
    } catch {
      // keep the plain name
    }
    return {ok: true, result: {blob: new Blob(parts, {type: response.headers.get("content-type") ?? "application/octet-stream"}), fileName}};
  };

  return {
    host: "browser",
    token,
    upload,
    download,
    async invoke(method, input) {
      let response: Response;
      try {
        response = await fetch(`${baseUrl}/rpc/${method}`, {
          method: "POST",
          headers: {"content-type": "application/json", authorization: `Bearer ${token}`},
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        return {ok: false, error: {code: "OFFLINE", message: "Cannot reach Deskside. Check that the app or server is still running."}};
      }
      try {
        return (await response.json()) as RpcResponse<unknown>;
      } catch {
        if (response.status === 401) return {ok: false, error: {code: "UNAUTHORIZED", message: "The API token was not accepted."}};
        return {ok: false, error: {code: "INTERNAL", message: `Deskside answered with HTTP ${response.status}.`}};
      }
    },
    close() {
      source?.close();
      source = null;
      attached.clear();
      listeners.clear();
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      ensureSource();
      attach(event);
      return () => set.delete(listener);
    },
  };
}

import path from "node:path";
import {fileURLToPath} from "node:url";
import {DesksideError} from "../../../shared/errors.js";

export type StoreKind = "local" | "s3" | "gs" | "az";

export interface StoreLocation {
  kind: StoreKind;
  /** What LanceDB's connect() gets: an absolute folder or the object-storage URI as given. */
  uri: string;
}

// Bucket / container naming rules of each provider, loosely: lowercase letters, digits, dots,
// hyphens (GCS also underscores), 3–63 characters, starting and ending with a letter or digit.
const BUCKET_RULES: Record<Exclude<StoreKind, "local">, RegExp> = {
  s3: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  gs: /^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/,
  az: /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/,
};

function invalid(uri: string, why: string): DesksideError {
  return new DesksideError("STORE_URI_INVALID", `The knowledge store location "${uri}" is not valid: ${why}. Use a local folder or s3://bucket/path, gs://bucket/path, az://container/path.`);
}

/** Classifies a store location and rejects malformed object-storage URIs before LanceDB sees them. */
export function parseStoreUri(uri: string): StoreLocation {
  const trimmed = uri.trim();
  if (!trimmed) throw invalid(uri, "it is empty");
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(trimmed)?.[1]?.toLowerCase();
  if (!scheme) return {kind: "local", uri: path.resolve(trimmed)};
  if (scheme === "file") {
    try {
      return {kind: "local", uri: fileURLToPath(trimmed)};
    } catch {
      throw invalid(uri, "the file URL cannot be read");
    }
  }
  if (scheme !== "s3" && scheme !== "gs" && scheme !== "az") throw invalid(uri, `"${scheme}://" is not a supported storage`);
  if (/\s/.test(trimmed)) throw invalid(uri, "it contains spaces");
  const rest = trimmed.slice(scheme.length + 3);
  if (/[?#]/.test(rest)) throw invalid(uri, "credentials and options go into storage options, not the URI");
  const [bucket, ...prefix] = rest.split("/");
  if (!bucket) throw invalid(uri, "the bucket or container name is missing");
  if (!BUCKET_RULES[scheme].test(bucket) || bucket.includes("..")) throw invalid(uri, `"${bucket}" is not a valid bucket or container name`);
  if (prefix.some((part, index) => part === "" && index < prefix.length - 1)) throw invalid(uri, "the path contains an empty folder name");
  return {kind: scheme, uri: `${scheme}://${rest.replace(/\/+$/, "")}`};
}

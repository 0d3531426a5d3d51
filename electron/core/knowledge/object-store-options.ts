import type {Settings} from "../../../shared/settings.js";
import {parseStoreUri, type StoreLocation} from "./store-uri.js";

/**
 * LanceDB's storage options (object_store configuration keys) for a store location. Only what is
 * set is passed, so for AWS S3 with nothing configured LanceDB reads the standard AWS_* variables
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT, AWS_ALLOW_HTTP, …) or an
 * instance role itself.
 *
 * Every object store also gets short retries: object_store's own defaults (10 retries within 180 s)
 * held a search for three minutes against a stopped server. With these, a bucket that cannot be
 * reached fails a request in a few seconds (STORE_UNREACHABLE) while a single dropped connection is
 * still retried.
 */
const OBJECT_STORE_CLIENT: Record<string, string> = {
  client_max_retries: "2",
  client_retry_timeout: "10",
  connect_timeout: "5s",
  timeout: "120s",
};

export type ObjectStoreSettings = Settings["knowledge"]["objectStore"];

export function objectStoreOptions(location: StoreLocation, settings: ObjectStoreSettings): Record<string, string> | undefined {
  if (location.kind === "local") return undefined;
  const options: Record<string, string> = {...OBJECT_STORE_CLIENT};
  if (location.kind !== "s3") return options;
  const endpoint = settings.endpoint.trim().replace(/\/+$/, "");
  if (endpoint) options.aws_endpoint = endpoint;
  if (settings.region.trim()) options.aws_region = settings.region.trim();
  // Virtual-hosted style puts the bucket in the host name, which MinIO and s3rver do not serve by default.
  options.aws_virtual_hosted_style_request = settings.pathStyle ? "false" : "true";
  if (settings.allowHttp) options.allow_http = "true";
  if (settings.accessKeyId) options.aws_access_key_id = settings.accessKeyId;
  if (settings.secretAccessKey) options.aws_secret_access_key = settings.secretAccessKey;
  return options;
}

/** objectStoreOptions for a location as configured; an invalid one gets none (opening it reports why). */
export function storageOptionsFor(uri: string, settings: ObjectStoreSettings): Record<string, string> | undefined {
  try {
    return objectStoreOptions(parseStoreUri(uri), settings);
  } catch {
    return undefined;
  }
}

import {describe, expect, it} from "vitest";
import {defaultSettings, publicSettings} from "../../../shared/settings.js";
import {localOnlyChanges} from "../config/local-only.js";
import {resolveOverrides} from "../config/runtime-config.js";
import {effectiveSettings} from "../config/effective-settings.js";
import {objectStoreOptions, storageOptionsFor} from "./object-store-options.js";
import {isUnreachable} from "./store-reachability.js";
import {parseStoreUri} from "./store-uri.js";

const store = (patch: Partial<ReturnType<typeof defaultSettings>["knowledge"]["objectStore"]>) => ({...defaultSettings().knowledge.objectStore, ...patch});

describe("object store options", () => {
  it("passes only what is set for s3, with short retries, and nothing for a folder", () => {
    expect(objectStoreOptions(parseStoreUri("/tmp/kb"), store({endpoint: "http://x"}))).toBeUndefined();
    const aws = objectStoreOptions(parseStoreUri("s3://team-kb/deskside"), store({}))!;
    expect(aws).not.toHaveProperty("aws_endpoint");
    expect(aws).not.toHaveProperty("aws_access_key_id");
    expect(aws.client_max_retries).toBe("2");
    const minio = objectStoreOptions(parseStoreUri("s3://team-kb"), store({endpoint: "http://minio.lan:9000/", region: "us-east-1", allowHttp: true, accessKeyId: "k", secretAccessKey: "s"}))!;
    expect(minio).toMatchObject({aws_endpoint: "http://minio.lan:9000", aws_region: "us-east-1", allow_http: "true", aws_virtual_hosted_style_request: "false", aws_access_key_id: "k", aws_secret_access_key: "s"});
    expect(objectStoreOptions(parseStoreUri("s3://team-kb"), store({pathStyle: false}))!.aws_virtual_hosted_style_request).toBe("true");
    expect(storageOptionsFor("s3://Not_A_Bucket", store({}))).toBeUndefined();
  });

  it("reads DESKSIDE_STORE_URI and DESKSIDE_S3_* over the stored settings", () => {
    const overrides = resolveOverrides([], {DESKSIDE_STORE_URI: "s3://team-kb/x", DESKSIDE_S3_ENDPOINT: "http://127.0.0.1:9000", DESKSIDE_S3_ALLOW_HTTP: "yes", DESKSIDE_S3_PATH_STYLE: "0", DESKSIDE_S3_SECRET_ACCESS_KEY: "s"});
    const knowledge = effectiveSettings(defaultSettings(), overrides).knowledge;
    expect(knowledge.storeUri).toBe("s3://team-kb/x");
    expect(knowledge.objectStore).toMatchObject({endpoint: "http://127.0.0.1:9000", allowHttp: true, pathStyle: false, secretAccessKey: "s"});
    expect(() => resolveOverrides([], {DESKSIDE_S3_ALLOW_HTTP: "maybe"})).toThrow(/DESKSIDE_S3_ALLOW_HTTP must be true or false/);
  });

  it("keeps the secret key out of what clients see and the bucket settings local-only", () => {
    const settings = defaultSettings();
    settings.knowledge.objectStore.secretAccessKey = "very-secret";
    const view = publicSettings(settings);
    expect(JSON.stringify(view.settings)).not.toContain("very-secret");
    expect(view.secrets["knowledge.objectStore.secretAccessKey"]).toEqual({set: true});
    // Sending back what was read changes nothing; a new endpoint or any secret is local-only.
    expect(localOnlyChanges(view.settings as unknown as Record<string, unknown>, settings)).toEqual([]);
    expect(localOnlyChanges({knowledge: {objectStore: {endpoint: "http://evil"}}}, settings)).toEqual(["knowledge.objectStore.endpoint"]);
    expect(localOnlyChanges({knowledge: {objectStore: {secretAccessKey: "very-secret"}}}, settings)).toEqual(["knowledge.objectStore.secretAccessKey"]);
  });

  it("tells a bucket that does not answer from one that refuses", () => {
    expect(isUnreachable(new Error("Generic S3 error: Error performing GET http://127.0.0.1:1/b in 102ms, after 1 retries - HTTP error: error sending request"))).toBe(true);
    expect(isUnreachable(new Error("Generic S3 error: Client error with status 403 Forbidden: AccessDenied"))).toBe(false);
  });
});

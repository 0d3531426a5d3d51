import {SecretSetting, TextSetting, ToggleSetting} from "./fields.js";
import {useSettingsForm} from "./settings-form.js";

/**
 * Where the knowledge base lives and, for an s3:// location shared by a team, how to reach the
 * bucket. Read when Deskside starts; local-only, so a browser tab shows them locked.
 */
export function SharedStoreFields() {
  const {settings} = useSettingsForm();
  const shared = /^s3:\/\//i.test(settings.knowledge.storeUri ?? "");
  return (
    <>
      <TextSetting
        path="knowledge.storeUri"
        label="Knowledge base location"
        placeholder="The data folder on this computer"
        hint="A folder, or s3://bucket/prefix for a knowledge base shared by a team (AWS S3, MinIO, Cloudflare R2). Applies at the next start."
        mono
        nullable
      />
      {shared ? (
        <>
          <TextSetting path="knowledge.objectStore.endpoint" label="S3 endpoint" placeholder="Empty for AWS S3; http://minio.lan:9000; https://<account>.r2.cloudflarestorage.com" mono />
          <TextSetting path="knowledge.objectStore.region" label="Region" placeholder="us-east-1; auto for Cloudflare R2" />
          <ToggleSetting path="knowledge.objectStore.pathStyle" label="Bucket in the path (path-style)" hint="On for MinIO and R2; off puts the bucket in the host name (virtual-hosted)." />
          <ToggleSetting path="knowledge.objectStore.allowHttp" label="Allow a plain http:// endpoint" hint="Only for a storage server on your own network." />
          <TextSetting path="knowledge.objectStore.accessKeyId" label="Access key id" placeholder="Empty: AWS_ACCESS_KEY_ID or an instance role" mono />
          <SecretSetting path="knowledge.objectStore.secretAccessKey" label="Secret access key" hint="Kept on this computer and never shown again; Change replaces it." />
        </>
      ) : null}
    </>
  );
}

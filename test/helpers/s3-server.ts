import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";

/**
 * A real S3-compatible server (s3rver: the S3 REST protocol over a folder) on 127.0.0.1, for the
 * shared knowledge store. stop() drops open connections too, as a server that went away would;
 * start() again serves the same folder on the same port.
 */
export interface S3Server {
  port: number;
  endpoint: string;
  directory: string;
  bucket: string;
  /** What a Deskside process needs to use `s3://<bucket>/<prefix>` here. */
  env(prefix: string): Record<string, string>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops it and deletes its folder. */
  dispose(): Promise<void>;
}

/** s3rver accepts any signature made with this pair. */
export const S3RVER_KEY = "S3RVER";

export async function startS3Server(options: {bucket?: string} = {}): Promise<S3Server> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "deskside-s3-"));
  const bucket = options.bucket ?? "team-kb";
  let server: S3rver | null = null;
  let port = 0;
  const start = async () => {
    server = new S3rver({address: "127.0.0.1", port, directory, silent: true, configureBuckets: [{name: bucket}]});
    port = (await server.run()).port;
  };
  const stop = async () => {
    const running = server;
    server = null;
    if (!running) return;
    running.httpServer.closeAllConnections();
    await running.close();
  };
  await start();
  return {
    get port() {
      return port;
    },
    get endpoint() {
      return `http://127.0.0.1:${port}`;
    },
    directory,
    bucket,
    env(prefix) {
      return {
        DESKSIDE_STORE_URI: `s3://${bucket}/${prefix}`,
        DESKSIDE_S3_ENDPOINT: `http://127.0.0.1:${port}`,
        DESKSIDE_S3_REGION: "us-east-1",
        DESKSIDE_S3_PATH_STYLE: "true",
        DESKSIDE_S3_ALLOW_HTTP: "true",
        DESKSIDE_S3_ACCESS_KEY_ID: S3RVER_KEY,
        DESKSIDE_S3_SECRET_ACCESS_KEY: S3RVER_KEY,
      };
    },
    start,
    stop,
    async dispose() {
      await stop();
      fs.rmSync(directory, {recursive: true, force: true});
    },
  };
}

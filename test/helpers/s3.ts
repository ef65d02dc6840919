import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import type { S3Settings } from "../../src/image/stores/s3.ts";

/** A local S3 service (s3rver) on a free port, keeping its objects in a temp dir. */
export interface S3Server {
  endpoint: string;
  settings(bucket: string, prefix?: string): S3Settings;
  /** The keys of the objects in a bucket (what a client of the service can see). */
  keys(bucket: string): Promise<string[]>;
  close(): Promise<void>;
}

// s3rver accepts any request signed with its fixed credentials.
const KEY = "S3RVER";

export async function startS3Server(): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), "stratus-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const settings = (bucket: string, prefix = ""): S3Settings => ({
    endpoint,
    bucket,
    accessKey: KEY,
    secretKey: KEY,
    region: "us-east-1",
    prefix,
  });
  const client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: KEY, secretAccessKey: KEY },
  });
  return {
    endpoint,
    settings,
    keys: async (bucket) => {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      return (listed.Contents ?? []).map((o) => o.Key ?? "");
    },
    close: async () => {
      client.destroy();
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

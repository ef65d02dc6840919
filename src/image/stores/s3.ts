import type * as AwsS3 from "@aws-sdk/client-s3";
import type { S3Client } from "@aws-sdk/client-s3";
import type { Upload as UploadClass } from "@aws-sdk/lib-storage";
import { Readable } from "node:stream";
import { uuid } from "../../lib/ids.ts";
import type { ByteRange, ImageStore, StoredData } from "./store.ts";

/** How to reach the S3-compatible service (STRATUS_IMAGE_S3_*). */
export interface S3Settings {
  endpoint: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  region: string;
  /** Key prefix for the objects this store makes ("" or ending in "/"). */
  prefix: string;
}

const NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// S3 parts are at least 5 MiB (but the last); 8 MiB x 4 in flight bounds an upload's memory at
// 32 MiB whatever the image size, while keeping several parts on the wire at once.
const PART_SIZE = 8 * 1024 * 1024;
const PARTS_IN_FLIGHT = 4;

/**
 * Glance's `s3` store over any S3-compatible service: one object per image, keyed
 * `<prefix><uuid>` with a UUID made here, uploaded as a streamed multipart upload (aborted when
 * the stream fails, so no partial object is ever visible). Locations are `s3://<bucket>/<key>`
 * (Glance's form carries the credentials; ours never does).
 */
type S3Sdk = typeof AwsS3;
type Upload = typeof UploadClass;

let loading: Promise<{ aws: S3Sdk; Upload: Upload }> | undefined;

/** The SDK weighs some 20 MB of memory: loaded on first use, so a cloud without S3 never pays it. */
function loadSdk(): Promise<{ aws: S3Sdk; Upload: Upload }> {
  loading ??= Promise.all([import("@aws-sdk/client-s3"), import("@aws-sdk/lib-storage")]).then(
    ([aws, storage]) => ({ aws, Upload: storage.Upload }),
  );
  return loading;
}

export class S3Store implements ImageStore {
  readonly description: string;
  private connecting: Promise<{ client: S3Client; aws: S3Sdk; Upload: Upload }> | undefined;
  private readonly prefix: string;
  private readonly startedAt = new Date();
  private bucketReady: Promise<void> | undefined;

  /** `client`: tests pass a stand-in for what a local S3 server does not implement. */
  constructor(
    private readonly settings: S3Settings,
    readonly id = "s3",
    client?: S3Client,
  ) {
    this.description = `S3 store (bucket ${settings.bucket})`;
    this.prefix = normalizePrefix(settings.prefix);
    this.stubClient = client;
  }

  private readonly stubClient: S3Client | undefined;

  /** The client (made on first use) and the SDK's classes. */
  private connect(): Promise<{ client: S3Client; aws: S3Sdk; Upload: Upload }> {
    this.connecting ??= loadSdk().then(({ aws, Upload }) => ({
      aws,
      Upload,
      client:
        this.stubClient ??
        new aws.S3Client({
          endpoint: this.settings.endpoint,
          region: this.settings.region,
          // Path-style works with every S3-compatible service; virtual hosts need DNS per bucket.
          forcePathStyle: true,
          credentials: { accessKeyId: this.settings.accessKey, secretAccessKey: this.settings.secretKey },
          // Only what S3 requires: the newer default (CRC32 trailers, aws-chunked bodies) is not
          // understood by many S3-compatible services.
          requestChecksumCalculation: "WHEN_REQUIRED",
          responseChecksumValidation: "WHEN_REQUIRED",
        }),
    }));
    return this.connecting;
  }

  /** What GET /v2/info/stores/detail shows: where, never the credentials. */
  properties(): Record<string, unknown> {
    const { endpoint, bucket, region } = this.settings;
    return { endpoint, bucket, region, prefix: this.prefix, chunk_size: PART_SIZE };
  }

  async put(data: Readable): Promise<StoredData> {
    const { client, aws, Upload } = await this.connect();
    // As in FileStore: an error before the upload listens must not go unheard. It is also the one
    // to rethrow: the upload may fail after it for its own reasons (aborting the parts).
    let streamError: unknown;
    data.on("error", (error) => (streamError ??= error));
    await this.ensureBucket();
    const key = this.prefix + uuid();
    const upload = new Upload({
      client,
      params: { Bucket: this.settings.bucket, Key: key, Body: data },
      partSize: PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      throw streamError ?? error;
    }
    const head = await client.send(new aws.HeadObjectCommand({ Bucket: this.settings.bucket, Key: key }));
    return { location: this.location(key), size: head.ContentLength ?? 0 };
  }

  async get(location: string, range?: ByteRange): Promise<Readable> {
    const { client, aws } = await this.connect();
    const result = await client.send(
      new aws.GetObjectCommand({
        Bucket: this.settings.bucket,
        Key: this.key(location),
        ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
      }),
    );
    if (!(result.Body instanceof Readable)) throw new Error(`S3 store ${this.id}: no body for ${location}`);
    return result.Body;
  }

  async delete(location: string): Promise<void> {
    const { client, aws } = await this.connect();
    // S3's DELETE answers 204 for a key that is already gone.
    await client.send(new aws.DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.key(location) }));
  }

  async exists(location: string): Promise<boolean> {
    const { client, aws } = await this.connect();
    try {
      await client.send(new aws.HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.key(location) }));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /**
   * Start-up: creates the bucket if missing and aborts the multipart uploads under our prefix that
   * began before this process (left by one that died mid-upload). A service that cannot list
   * uploads (NotImplemented) has nothing to clean here.
   */
  async cleanPartial(): Promise<void> {
    const { client, aws } = await this.connect();
    await this.ensureBucket();
    const Bucket = this.settings.bucket;
    let listed;
    try {
      listed = await client.send(new aws.ListMultipartUploadsCommand({ Bucket, Prefix: this.prefix }));
    } catch (error) {
      if ((error as { name?: unknown }).name === "NotImplemented") return;
      throw error;
    }
    for (const upload of listed.Uploads ?? []) {
      if (upload.Key === undefined || upload.UploadId === undefined) continue;
      if (upload.Initiated !== undefined && upload.Initiated >= this.startedAt) continue;
      await client.send(
        new aws.AbortMultipartUploadCommand({ Bucket, Key: upload.Key, UploadId: upload.UploadId }),
      );
    }
  }

  /** The key a location names, only if it is one of ours: `<prefix><uuid>` in our bucket. */
  private key(location: string): string {
    const head = `s3://${this.settings.bucket}/${this.prefix}`;
    const name = location.startsWith(head) ? location.slice(head.length) : "";
    if (!NAME.test(name)) throw new Error(`location outside the S3 store ${this.id}: ${location}`);
    return this.prefix + name;
  }

  private location(key: string): string {
    return `s3://${this.settings.bucket}/${key}`;
  }

  private ensureBucket(): Promise<void> {
    this.bucketReady ??= this.createBucketIfMissing().catch((error: unknown) => {
      this.bucketReady = undefined; // the next call tries again
      throw error;
    });
    return this.bucketReady;
  }

  private async createBucketIfMissing(): Promise<void> {
    const { client, aws } = await this.connect();
    const Bucket = this.settings.bucket;
    try {
      await client.send(new aws.HeadBucketCommand({ Bucket }));
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await client.send(new aws.CreateBucketCommand({ Bucket }));
    }
  }
}

/** "images" -> "images/"; "" stays "" (keys at the bucket's top). */
function normalizePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, "");
  return trimmed === "" ? "" : `${trimmed}/`;
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: number } } | null;
  return (
    e?.name === "NotFound" ||
    e?.name === "NoSuchKey" ||
    e?.name === "NoSuchBucket" ||
    e?.$metadata?.httpStatusCode === 404
  );
}

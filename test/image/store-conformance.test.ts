import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import {
  AbortMultipartUploadCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  type S3Client,
} from "@aws-sdk/client-s3";
import { uuid } from "../../src/lib/ids.ts";
import { FileStore } from "../../src/image/stores/file.ts";
import { S3Store } from "../../src/image/stores/s3.ts";
import type { ImageStore } from "../../src/image/stores/store.ts";
import { startS3Server, type S3Server } from "../helpers/s3.ts";

/**
 * One suite, every store driver: what the image service relies on of a store. Each driver gets a
 * fixture: the store, what a client of its backend can see (to prove nothing partial is left),
 * and locations it must refuse.
 */
interface Fixture {
  store: ImageStore;
  /** Every object or file the backend holds, partial ones included. */
  leftovers(): Promise<string[]>;
  /** Locations this store did not make (and must never read or delete). */
  foreign: readonly string[];
  /** A real file or object outside the store that a foreign location names, or null. */
  bystander(): Promise<boolean>;
}

const MB = 1024 * 1024;
const md5 = (data: Buffer) => createHash("md5").update(data).digest("hex");

/** A stream of `data` in 1 MiB chunks (like a socket), failing after `failAfter` bytes if set. */
function chunked(data: Buffer, failAfter?: number): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && offset >= failAfter) {
        this.destroy(Object.assign(new Error("client went away"), { code: "ECONNRESET" }));
        return;
      }
      if (offset >= data.length) return void this.push(null);
      this.push(data.subarray(offset, offset + MB));
      offset += MB;
    },
  });
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function conformance(name: string, setup: () => Promise<Fixture>, teardown: () => Promise<void>): void {
  describe(`${name} store conformance`, () => {
    let f: Fixture;
    // More than one S3 part (8 MiB) and not a multiple of the chunk size.
    const data = randomBytes(12 * MB + 12345);
    before(async () => {
      f = await setup();
      await f.store.cleanPartial();
    });
    after(teardown);

    test("put then get returns the same bytes; the size is what was written", async () => {
      const stored = await f.store.put(chunked(data));
      assert.equal(stored.size, data.length);
      assert.equal(md5(await collect(await f.store.get(stored.location))), md5(data));
      assert.equal(await f.store.exists(stored.location), true);
      await f.store.delete(stored.location);
    });

    test("each put gets a location of its own", async () => {
      const a = await f.store.put(Readable.from([Buffer.from("same")]));
      const b = await f.store.put(Readable.from([Buffer.from("same")]));
      assert.notEqual(a.location, b.location);
      await f.store.delete(a.location);
      assert.equal(await text(await f.store.get(b.location)), "same");
      await f.store.delete(b.location);
    });

    test("a ranged get returns exactly the inclusive range, across part boundaries", async () => {
      const stored = await f.store.put(chunked(data));
      const start = 8 * MB - 100;
      const end = 8 * MB + 99;
      const part = await collect(await f.store.get(stored.location, { start, end }));
      assert.ok(part.equals(data.subarray(start, end + 1)));
      const last = await collect(
        await f.store.get(stored.location, { start: data.length - 1, end: data.length - 1 }),
      );
      assert.ok(last.equals(data.subarray(-1)));
      await f.store.delete(stored.location);
    });

    test("delete removes the bytes and is idempotent; exists and get follow", async () => {
      const stored = await f.store.put(Readable.from([Buffer.from("bytes")]));
      await f.store.delete(stored.location);
      await f.store.delete(stored.location);
      assert.equal(await f.store.exists(stored.location), false);
      await assert.rejects(async () => collect(await f.store.get(stored.location)));
      assert.deepEqual(await f.leftovers(), []);
    });

    test("a stream that fails mid-way leaves nothing behind and rethrows its error", async () => {
      await assert.rejects(f.store.put(chunked(data, 9 * MB)), /client went away/);
      await assert.rejects(f.store.put(chunked(data, 0)), /client went away/);
      await f.store.cleanPartial();
      assert.deepEqual(await f.leftovers(), []);
    });

    test("an empty stream stores an empty object", async () => {
      const stored = await f.store.put(Readable.from([]));
      assert.equal(stored.size, 0);
      assert.equal((await collect(await f.store.get(stored.location))).length, 0);
      await f.store.delete(stored.location);
    });

    test("a location the store did not make is refused by get, exists and delete", async () => {
      for (const location of f.foreign) {
        await assert.rejects(f.store.get(location), /location outside/, location);
        await assert.rejects(f.store.exists(location), /location outside/, location);
        await assert.rejects(f.store.delete(location), /location outside/, location);
      }
      assert.equal(await f.bystander(), true, "a foreign location's bytes were touched");
    });
  });
}

// --- the file store --------------------------------------------------------------------------

const base = mkdtempSync(join(tmpdir(), "stratus-conformance-"));
const root = join(base, "images");

conformance(
  "file",
  async () => {
    // A file beside the store whose name looks like ours: reachable only through "../".
    const outsider = uuid();
    mkdirSync(join(base, "other"), { recursive: true });
    writeFileSync(join(base, "other", outsider), "not yours");
    const store = new FileStore(root);
    return {
      store,
      leftovers: async () => (existsSync(root) ? readdirSync(root) : []),
      foreign: [
        "file:///etc/passwd",
        `file://${root}/../other/${outsider}`,
        `${pathToFileURL(join(base, "other", outsider)).href}`,
        `file://${root}/${uuid()}/../../other/${outsider}`,
        `file://${root}/%2e%2e/other/${outsider}`,
        `s3://bucket/${uuid()}`,
        `${pathToFileURL(root).href}/not-a-uuid`,
      ],
      bystander: async () => existsSync(join(base, "other", outsider)),
    };
  },
  async () => rmSync(base, { recursive: true, force: true }),
);

test("file store: cleanPartial removes the .part files a dead upload left", async () => {
  const dir = mkdtempSync(join(tmpdir(), "stratus-partial-"));
  const store = new FileStore(dir);
  writeFileSync(join(dir, `${uuid()}.part`), "half");
  const kept = await store.put(Readable.from([Buffer.from("whole")]));
  await store.cleanPartial();
  assert.deepEqual(readdirSync(dir), [kept.location.split("/").pop()]);
  rmSync(dir, { recursive: true, force: true });
});

// --- the s3 store, against a local S3 service --------------------------------------------------

let s3: S3Server | undefined;
const BUCKET = "stratus-images";

conformance(
  "s3",
  async () => {
    s3 = await startS3Server();
    const server = s3;
    // The same bucket, another prefix: an object the store must not touch.
    const outsider = uuid();
    const neighbour = new S3Store(server.settings(BUCKET, "other"), "neighbour");
    const theirs = await neighbour.put(Readable.from([Buffer.from("not yours")]));
    const store = new S3Store(server.settings(BUCKET, "images"));
    return {
      store,
      leftovers: async () => (await server.keys(BUCKET)).filter((k) => !k.startsWith("other/")),
      foreign: [
        theirs.location,
        `s3://another-bucket/images/${outsider}`,
        `s3://${BUCKET}/images/../${theirs.location.split(`${BUCKET}/`)[1] ?? ""}`,
        `s3://${BUCKET}/${outsider}`,
        `s3://${BUCKET}/images/not-a-uuid`,
        "file:///etc/passwd",
      ],
      bystander: async () => neighbour.exists(theirs.location),
    };
  },
  async () => s3?.close(),
);

test("s3 store: the bucket is created when missing, and the locations name it", async () => {
  const server = await startS3Server();
  try {
    const store = new S3Store(server.settings("fresh-bucket", "/deep/prefix/"));
    await store.cleanPartial();
    const stored = await store.put(Readable.from([Buffer.from("hello")]));
    assert.match(stored.location, /^s3:\/\/fresh-bucket\/deep\/prefix\/[0-9a-f-]{36}$/);
    assert.deepEqual(await server.keys("fresh-bucket"), [stored.location.slice("s3://fresh-bucket/".length)]);
  } finally {
    await server.close();
  }
});

test("s3 store: cleanPartial aborts the multipart uploads under its prefix begun before it started", async () => {
  // s3rver cannot list multipart uploads: a stand-in answers the three calls cleanPartial makes.
  const aborted: string[] = [];
  const listed: unknown[] = [];
  const old = new Date(Date.now() - 60_000);
  const client = {
    send: async (command: object) => {
      if (command instanceof HeadBucketCommand) return {};
      if (command instanceof ListMultipartUploadsCommand) {
        listed.push(command.input.Prefix);
        return {
          Uploads: [
            { Key: "images/dead", UploadId: "u-dead", Initiated: old },
            { Key: "images/live", UploadId: "u-live", Initiated: new Date(Date.now() + 60_000) },
          ],
        };
      }
      if (command instanceof AbortMultipartUploadCommand) {
        aborted.push(`${command.input.Key}:${command.input.UploadId}`);
        return {};
      }
      throw new Error(`unexpected ${command.constructor.name}`);
    },
  } as unknown as S3Client;
  const store = new S3Store({ ...s3Settings(), prefix: "images" }, "s3", client);
  await store.cleanPartial();
  assert.deepEqual(listed, ["images/"]);
  assert.deepEqual(aborted, ["images/dead:u-dead"]);
});

function s3Settings() {
  return {
    endpoint: "http://127.0.0.1:9",
    bucket: "b",
    accessKey: "k",
    secretKey: "s",
    region: "us-east-1",
    prefix: "",
  };
}

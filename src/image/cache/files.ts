import { createHash } from "node:crypto";
import type { WriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { Transform, type TransformCallback } from "node:stream";

/** Names a file may have: an image id with nothing that could leave the directory. */
const SAFE_ID = /^[0-9A-Za-z][0-9A-Za-z_-]{0,63}$/;
export const INCOMPLETE = ".incomplete";

export interface CacheFile {
  id: string;
  incomplete: boolean;
  mtimeMs: number;
}

/**
 * The cache directory: `<id>` for a complete copy, `<id>.incomplete` while one is written (created
 * exclusively, so one writer per image; renamed only once verified). Ids that are not plain
 * names are never cached, so no path is ever built from anything else.
 */
export class CacheDir {
  constructor(readonly root: string) {}

  cacheable(id: string): boolean {
    return SAFE_ID.test(id);
  }

  /** The complete copy, opened; null when there is none (or the id is not cacheable). */
  async open(id: string): Promise<FileHandle | null> {
    if (!this.cacheable(id)) return null;
    return open(join(this.root, id), "r").catch(() => null);
  }

  /** A new `<id>.incomplete`; null when another writer has it (or the id is not cacheable). */
  async create(id: string): Promise<WriteStream | null> {
    if (!this.cacheable(id)) return null;
    await mkdir(this.root, { recursive: true });
    const handle = await open(join(this.root, id + INCOMPLETE), "wx").catch(() => null);
    return handle === null ? null : handle.createWriteStream({ highWaterMark: 1 << 20 });
  }

  async complete(id: string): Promise<void> {
    await rename(join(this.root, id + INCOMPLETE), join(this.root, id));
  }

  async remove(id: string, incomplete = false): Promise<void> {
    if (this.cacheable(id)) await rm(join(this.root, id + (incomplete ? INCOMPLETE : "")), { force: true });
  }

  async exists(id: string): Promise<boolean> {
    if (!this.cacheable(id)) return false;
    return stat(join(this.root, id)).then(
      () => true,
      () => false,
    );
  }

  /** What the directory holds (foreign names are left alone). */
  async list(): Promise<CacheFile[]> {
    const names = await readdir(this.root).catch(() => [] as string[]);
    const files: CacheFile[] = [];
    for (const name of names) {
      const incomplete = name.endsWith(INCOMPLETE);
      const id = incomplete ? name.slice(0, -INCOMPLETE.length) : name;
      if (!this.cacheable(id)) continue;
      const info = await stat(join(this.root, name)).catch(() => null);
      if (info?.isFile()) files.push({ id, incomplete, mtimeMs: info.mtimeMs });
    }
    return files;
  }
}

/** What passed through a fill: its size and md5, for the caller to compare with the image. */
export interface Filled {
  size: number;
  checksum: string;
}

/**
 * Passes the store's bytes on to the client and writes them to an incomplete cache file. Only a
 * stream that ended (every byte passed) is handed to `commit`; one destroyed on the way (client
 * gone, store failed) discards the file. The file never fails the download: a write error just
 * abandons the copy.
 */
export class CacheFiller extends Transform {
  private readonly md5 = createHash("md5");
  private size = 0;
  private broken = false;
  private settled = false;
  private waiting: (() => void) | undefined;

  constructor(
    private readonly file: WriteStream,
    private readonly commit: (filled: Filled | null) => Promise<void>,
  ) {
    super();
    file.on("error", () => {
      this.broken = true;
      this.release();
    });
    this.once("close", () => void this.settle(null));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    this.md5.update(chunk);
    if (this.broken || this.file.write(chunk)) return done(null, chunk);
    // The disk is slower than the client: wait for it rather than buffer without bound.
    this.waiting = () => done(null, chunk);
    this.file.once("drain", () => this.release());
  }

  override _flush(done: TransformCallback): void {
    const filled = this.broken ? null : { size: this.size, checksum: this.md5.digest("hex") };
    this.settle(filled).then(
      () => done(),
      () => done(),
    );
  }

  private release(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  private async settle(filled: Filled | null): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    const closed = new Promise<void>((resolve) =>
      this.file.closed ? resolve() : this.file.once("close", () => resolve()),
    );
    if (filled === null) this.file.destroy();
    else this.file.end();
    await closed;
    await this.commit(this.broken ? null : filled).catch(() => undefined);
  }
}

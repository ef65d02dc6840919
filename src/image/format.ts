import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { ImageSizeLimitExceeded } from "./errors.ts";

/** Formats recognised from their bytes; anything else is raw. */
export type DetectedFormat = "qcow2" | "vmdk" | "vhd" | "iso" | "raw";

// ISO 9660's "CD001" sits at 0x8001 (sector 16 plus one), so the head must reach past it.
const HEAD_BYTES = 0x8001 + 5;
const VHD_FOOTER = 512;

/** The first and last bytes of an image: enough to tell its format and virtual size. */
export class FormatSniffer {
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);

  push(chunk: Buffer): void {
    if (this.head.length < HEAD_BYTES)
      this.head = Buffer.concat([this.head, chunk.subarray(0, HEAD_BYTES - this.head.length)]);
    this.tail = Buffer.concat([this.tail, chunk.subarray(-VHD_FOOTER)]).subarray(-VHD_FOOTER);
  }

  detect(): DetectedFormat {
    const at = (offset: number, text: string) =>
      this.head.subarray(offset, offset + text.length).toString("latin1") === text;
    if (at(0, "QFI\xfb")) return "qcow2";
    if (at(0, "KDMV") || at(0, "# Disk DescriptorFile")) return "vmdk";
    // A fixed VHD has only the footer; a dynamic one also a copy of it first.
    if (at(0, "conectix") || this.tail.subarray(0, 8).toString("latin1") === "conectix") return "vhd";
    if (at(0x8001, "CD001")) return "iso";
    return "raw";
  }

  /** The guest-visible size: qcow2's header field, a raw image's length; unknown otherwise. */
  virtualSize(size: number): number | null {
    const format = this.detect();
    if (format === "qcow2" && this.head.length >= 32) return Number(this.head.readBigUInt64BE(24));
    return format === "raw" ? size : null;
  }
}

/** True when data of `detected` format may be stored as `declared`; formats not sniffed pass. */
export function formatMatches(declared: string, detected: DetectedFormat): boolean {
  if (!["raw", "qcow2", "vmdk", "vhd", "iso"].includes(declared)) return true;
  // An ISO is also a valid raw disk (hybrid images are commonly uploaded as raw).
  return declared === detected || (declared === "raw" && detected === "iso");
}

/**
 * What passes through an upload: counted against the size cap (the stream fails with 413 the
 * moment it is exceeded, before the bytes reach the store), hashed (md5 and sha512) and sniffed.
 */
export class ImageMeter extends Transform {
  size = 0;
  readonly sniffer = new FormatSniffer();
  private readonly md5: Hash = createHash("md5");
  private readonly sha512: Hash = createHash("sha512");

  constructor(private readonly cap: number) {
    // Room for a MiB in flight, so hashing and the store's writes overlap.
    super({ highWaterMark: 1024 * 1024 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.cap) return done(new ImageSizeLimitExceeded());
    this.md5.update(chunk);
    this.sha512.update(chunk);
    this.sniffer.push(chunk);
    done(null, chunk);
  }

  digests(): { checksum: string; os_hash_algo: string; os_hash_value: string } {
    return {
      checksum: this.md5.digest("hex"),
      os_hash_algo: "sha512",
      os_hash_value: this.sha512.digest("hex"),
    };
  }
}

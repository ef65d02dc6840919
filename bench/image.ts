import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "./http.ts";
import { issueToken } from "./identity.ts";
import { field, parse } from "./measure.ts";
import type { Row } from "./report.ts";
import { memoryKb, type Server } from "./server.ts";
import { percentile } from "./stats.ts";

/**
 * The image service's figures (issue 6): a 1 GiB upload and download beside sha512sum and md5sum
 * of the same file (the upload hashes with both, so it is held to 80 % of the slower), the
 * server's RSS while the upload streams, and GET /v2/images with 5,000 images.
 */
const IMAGE_BYTES = 1024 ** 3;
const LISTED_IMAGES = 5_000;
const LIST_RUNS = 50;
const RSS_SAMPLE_MS = 50;

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

export async function imageBenchmarks(
  rows: Row[],
  server: Server,
  client: Client,
  progress: (message: string) => void,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "stratus-bench-image-"));
  try {
    const file = join(dir, "image.raw");
    progress("image: writing a 1 GiB file");
    writeImageFile(file);
    const token = await issueToken(client);
    await transfers(rows, server, client, token, file, progress);
    await listing(rows, client, token, progress);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** 1 GiB of incompressible bytes (a random 16 MiB block, repeated). */
function writeImageFile(path: string): void {
  const block = randomBytes(16 * 1024 * 1024);
  const fd = openSync(path, "w");
  try {
    for (let written = 0; written < IMAGE_BYTES; written += block.length) writeSync(fd, block);
  } finally {
    closeSync(fd);
  }
}

/** Wall time of `<tool> <args>`, in ms. */
function timeTool(tool: string, ...args: string[]): number {
  const started = performance.now();
  const result = spawnSync(tool, args, { stdio: "ignore" });
  if (result.status !== 0) throw new Error(`${tool} failed`);
  return performance.now() - started;
}

/** The disk's own ceiling for an upload: `cp` of the same file into the server's data dir. */
function copyRate(file: string, dataDir: string): number {
  const copy = join(dataDir, "bench-copy.raw");
  try {
    return mbps(IMAGE_BYTES, timeTool("cp", file, copy));
  } finally {
    rmSync(copy, { force: true });
  }
}

async function transfers(
  rows: Row[],
  server: Server,
  client: Client,
  token: string,
  file: string,
  progress: (message: string) => void,
): Promise<void> {
  progress("image: sha512sum and md5sum of the file");
  const sha = mbps(IMAGE_BYTES, timeTool("sha512sum", file));
  const md5 = mbps(IMAGE_BYTES, timeTool("md5sum", file));
  const floor = Math.min(sha, md5);
  const disk = copyRate(file, server.dataDir);
  const created = await client.send(
    "POST",
    "/image/v2/images",
    { "x-auth-token": token },
    { name: "bench-1g", disk_format: "raw", container_format: "bare" },
  );
  const id = String(field(parse(created), "id"));
  progress("image: 1 GiB upload");
  const before = memoryKb(server.pid)?.rss ?? null;
  let peak = before ?? 0;
  const sampler = setInterval(() => (peak = Math.max(peak, memoryKb(server.pid)?.rss ?? 0)), RSS_SAMPLE_MS);
  const uploadMs = await upload(server.baseUrl, token, id, file).finally(() => clearInterval(sampler));
  const upRate = mbps(IMAGE_BYTES, uploadMs);
  const hashes =
    `sha512sum ${sha.toFixed(0)} MB/s, md5sum ${md5.toFixed(0)} MB/s on the same file; ` +
    `cp into the data dir ${disk.toFixed(0)} MB/s`;
  rows.push(
    { name: "image upload 1 GiB", value: upRate, unit: "MB/s", goal: Math.round(floor * 0.8), note: hashes },
    {
      name: "  server RSS peak during the upload",
      value: (peak * 1024) / 1e6,
      unit: "MB",
      goal: 200,
      note:
        before === null
          ? ""
          : `${((before * 1024) / 1e6).toFixed(1)} MB before; sampled every ${RSS_SAMPLE_MS} ms`,
    },
  );
  progress("image: 1 GiB download, twice (the second from the cache when it is on)");
  const firstMs = await download(server.baseUrl, token, id);
  const secondMs = await download(server.baseUrl, token, id);
  rows.push({
    name: "image download 1 GiB (second, cached)",
    value: mbps(IMAGE_BYTES, secondMs),
    unit: "MB/s",
    goal: 1000,
    note: `first download ${mbps(IMAGE_BYTES, firstMs).toFixed(0)} MB/s`,
  });
}

/**
 * curl moves the bytes: a client that costs next to no CPU, so on a small machine the figures are
 * the server's (a Node client streaming 1 GiB competes with it for the same cores).
 */
function curlAsync(args: readonly string[]): Promise<{ code: number; bytes: number }> {
  const child = spawn("curl", ["-sS", "-o", "/dev/null", "-w", "%{http_code} %{size_download}", ...args]);
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (status) => {
      if (status !== 0) return reject(new Error(`curl failed: ${err}`));
      const [code = "0", bytes = "0"] = out.trim().split(" ");
      resolve({ code: Number(code), bytes: Number(bytes) });
    });
  });
}

/** PUT the file as the image's data, streamed; ms until the 204. */
async function upload(baseUrl: string, token: string, id: string, file: string): Promise<number> {
  const started = performance.now();
  const { code } = await curlAsync([
    "-X",
    "PUT",
    "-T",
    file,
    "-H",
    `x-auth-token: ${token}`,
    "-H",
    "content-type: application/octet-stream",
    new URL(`/image/v2/images/${id}/file`, baseUrl).href,
  ]);
  if (code !== 204) throw new Error(`upload answered ${code}`);
  return performance.now() - started;
}

/** GET the image's data, discarding it; ms until the last byte. */
async function download(baseUrl: string, token: string, id: string): Promise<number> {
  const started = performance.now();
  const url = new URL(`/image/v2/images/${id}/file`, baseUrl).href;
  const { code, bytes } = await curlAsync(["-H", `x-auth-token: ${token}`, url]);
  if (code !== 200 || bytes !== IMAGE_BYTES) throw new Error(`download: ${code}, ${bytes} bytes`);
  return performance.now() - started;
}

/** GET /v2/images (Glance's default page) once 5,000 images exist. */
async function listing(rows: Row[], client: Client, token: string, progress: (m: string) => void) {
  progress(`image: creating ${LISTED_IMAGES} images`);
  for (let i = 0; i < LISTED_IMAGES; i++) {
    const body = { name: `bench-${i}`, disk_format: "qcow2", container_format: "bare", tags: ["bench"] };
    const res = await client.send("POST", "/image/v2/images", { "x-auth-token": token }, body);
    if (res.status !== 201) throw new Error(`image create answered ${res.status}: ${res.body}`);
  }
  progress(`image: GET /v2/images x ${LIST_RUNS}`);
  const times: number[] = [];
  for (let i = 0; i < LIST_RUNS; i++) {
    const started = performance.now();
    const res = await client.send("GET", "/image/v2/images", { "x-auth-token": token });
    if (res.status !== 200) throw new Error(`image list answered ${res.status}`);
    times.push(performance.now() - started);
  }
  rows.push({
    name: `GET /v2/images p50 (${LISTED_IMAGES} images)`,
    value: percentile(times, 50),
    unit: "ms",
    goal: 50,
    note: `default page (25), ${LIST_RUNS} runs; p95 ${percentile(times, 95).toFixed(1)} ms`,
  });
}

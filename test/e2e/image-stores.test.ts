import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startS3Server, type S3Server } from "../helpers/s3.ts";
import { startServer, type CliResult, type Server } from "./server.ts";

/**
 * Multi-store end to end: a `stratus serve` child process with a file store and an s3 store (on a
 * local s3rver), driven by python-glanceclient's stores-info, image-create --store,
 * image-import --import-method copy-image and stores-delete (the openstack CLI has none of them).
 */

const ADMIN_PASSWORD = "e2e-admin-Secret-1";
const BUCKET = "stratus-e2e-images";
let server: Server | undefined;
let s3: S3Server | undefined;

function srv(): Server {
  assert.ok(server, "the server did not start");
  return server;
}

before(async () => {
  s3 = await startS3Server();
  const settings = s3.settings(BUCKET, "glance");
  server = await startServer(ADMIN_PASSWORD, undefined, {
    STRATUS_IMAGE_STORES: "local:file,objects:s3",
    STRATUS_IMAGE_S3_ENDPOINT: settings.endpoint,
    STRATUS_IMAGE_S3_BUCKET: settings.bucket,
    STRATUS_IMAGE_S3_ACCESS_KEY: settings.accessKey,
    STRATUS_IMAGE_S3_SECRET_KEY: settings.secretKey,
    STRATUS_IMAGE_S3_PREFIX: settings.prefix,
  });
});
after(async () => {
  await server?.stop();
  await s3?.close();
});

/** `glance` (API v2) with the openrc's variables and a private HOME. */
function glance(args: readonly string[]): Promise<CliResult> {
  const home = join(srv().dataDir, "home");
  mkdirSync(home, { recursive: true });
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, LANG: "C.UTF-8", ...srv().openrc };
  return new Promise((resolve) => {
    execFile(
      "glance",
      ["--os-image-api-version", "2", ...args],
      { env, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

async function glanceOk(args: readonly string[]): Promise<string> {
  const result = await glance(args);
  assert.equal(
    result.code,
    0,
    `glance ${args.join(" ")} -> ${result.code}\n${result.stdout}\n${result.stderr}`,
  );
  return result.stdout;
}

/** A `| Property | Value |` table as a map. */
function table(stdout: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    if (cells.length >= 4 && cells[1] !== "Property" && cells[1] !== undefined)
      rows.set(cells[1], cells[2] ?? "");
  }
  return rows;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** stores-info prints one table cell holding the JSON list, wrapped over lines. */
async function storesInfo(args: readonly string[] = []): Promise<Record<string, unknown>[]> {
  const cell = (await glanceOk(["stores-info", ...args]))
    .split("\n")
    .filter((line) => line.startsWith("|") && !line.includes("Property"))
    .map((line) => line.split("|")[2]?.trim() ?? "")
    .join(" ");
  return JSON.parse(cell) as Record<string, unknown>[];
}

test("glance stores-info lists both stores, the first as default; --detail adds type", async () => {
  const stores = await storesInfo();
  assert.deepEqual(
    stores.map((s) => [s.id, s.default ?? false]),
    [
      ["local", true],
      ["objects", false],
    ],
  );
  const detail = await storesInfo(["--detail"]);
  assert.deepEqual(
    detail.map((s) => [s.id, s.type]),
    [
      ["local", "file"],
      ["objects", "s3"],
    ],
  );
  assert.equal((detail[1]?.properties as Record<string, unknown>).bucket, BUCKET);
});

test("image-create --store, copy-image, stores-delete; the data survives in the other store", async () => {
  const data = randomBytes(2 * 1024 * 1024 + 3);
  const file = join(srv().dataDir, "multi.raw");
  writeFileSync(file, data);
  const created = table(
    await glanceOk([
      "image-create",
      "--name",
      "e2e-multi",
      "--disk-format",
      "raw",
      "--container-format",
      "bare",
      "--file",
      file,
      "--store",
      "objects",
    ]),
  );
  const id = created.get("id") ?? "";
  assert.equal(created.get("status"), "active");
  assert.equal(created.get("stores"), "objects");
  assert.equal((await s3?.keys(BUCKET))?.length, 1, "the bytes are in the bucket");

  await glanceOk(["image-import", id, "--import-method", "copy-image", "--stores", "local"]);
  await waitFor("the copy", async () => {
    const stores = table(await glanceOk(["image-show", id])).get("stores") ?? "";
    return stores.split(",").sort().join(",") === "local,objects" ? true : undefined;
  });

  await glanceOk(["stores-delete", "--store", "objects", id]);
  assert.equal(table(await glanceOk(["image-show", id])).get("stores"), "local");
  assert.equal((await s3?.keys(BUCKET))?.length, 0, "the s3 object was removed");
  const out = join(srv().dataDir, "multi.out");
  await glanceOk(["image-download", "--file", out, id]);
  assert.ok(readFileSync(out).equals(data));

  // The image's only copy stays: Glance's 403 (which glanceclient reports as a failure).
  const last = await glance(["stores-delete", "--store", "local", id]);
  assert.notEqual(last.code, 0);
  const answered = srv()
    .requests()
    .filter((r) => r.method === "DELETE" && r.path.includes("/v2/stores/"));
  assert.deepEqual(
    answered.map((r) => r.status),
    [204, 403],
  );
});

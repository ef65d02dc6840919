import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startServer, stratus, type CliResult, type Server } from "./server.ts";

/**
 * The image cache end to end: `stratus image upload`/`download` (progress on stderr), `stratus
 * image-cache`, and python-glanceclient's cache-queue/cache-list/cache-delete/cache-clear (the
 * openstack CLI has no cache commands) against a `stratus serve` child process.
 */

const ADMIN_PASSWORD = "e2e-admin-Secret-1";
let server: Server | undefined;

function srv(): Server {
  assert.ok(server, "the server did not start");
  return server;
}

before(async () => {
  server = await startServer(ADMIN_PASSWORD);
});
after(async () => {
  await server?.stop();
});

/** `glance` with the openrc's variables; the cache commands want the image endpoint given directly. */
function glance(args: readonly string[]): Promise<CliResult> {
  const home = join(srv().dataDir, "home");
  mkdirSync(home, { recursive: true });
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, LANG: "C.UTF-8", ...srv().openrc };
  const argv = ["--os-image-api-version", "2", "--os-image-url", `${srv().baseUrl}/image`, ...args];
  return new Promise((resolve) => {
    execFile("glance", argv, { env, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A command that must succeed; glance's cache commands exit 0 even on an error, so stderr must be empty. */
async function ok(result: Promise<CliResult>, what: string, quiet = false): Promise<CliResult> {
  const done = await result;
  const explain = `${what} -> exit ${done.code}\nstdout: ${done.stdout}\nstderr: ${done.stderr}`;
  assert.equal(done.code, 0, explain);
  if (quiet) assert.equal(done.stderr, "", explain);
  return done;
}
const glanceOk = (args: readonly string[]) => ok(glance(args), `glance ${args.join(" ")}`, true);
const stratusOk = (args: readonly string[]) => ok(stratus(srv().openrc, args), `stratus ${args.join(" ")}`);

/** The rows of glance cache-list: [id, state, last accessed, last modified, size, hits]. */
async function cacheList(): Promise<string[][]> {
  const rows: string[][] = [];
  for (const line of (await glanceOk(["cache-list"])).stdout.split("\n")) {
    const cells = line
      .split("|")
      .map((c) => c.trim())
      .filter((c) => c !== "");
    if (/^[0-9a-f-]{36}$/.test(cells[0] ?? "")) rows.push(cells);
  }
  return rows;
}

let imageId = "";
const data = randomBytes(4 * 1024 * 1024);

test("stratus image upload/download show progress and read through the cache; stratus image-cache", async () => {
  const file = join(srv().dataDir, "upload.raw");
  writeFileSync(file, data);
  const uploaded = await stratusOk(["image", "upload", file, "--name", "e2e-cache"]);
  imageId = uploaded.stdout.trim();
  assert.match(imageId, /^[0-9a-f-]{36}$/);
  // stderr is not a TTY here: plain progress lines, then a summary.
  assert.match(uploaded.stderr, /upload \[#+\] 100% {2}4\.2\/4\.2 MB {2}[\d.]+ MB\/s {2}ETA 0:00/);
  assert.match(uploaded.stderr, /upload: 4\.2 MB in [\d.]+ s \([\d.]+ MB\/s\)/);
  assert.match(uploaded.stderr, new RegExp(`image ${imageId} is active`));

  await stratusOk(["image-cache", "queue", imageId]);
  const queued = JSON.parse((await stratusOk(["image-cache", "list", "--json"])).stdout);
  assert.deepEqual(queued, { cached_images: [], queued_images: [imageId] });

  // A whole download fills the cache (and takes the image off the queue); the next one is a hit.
  const out = join(srv().dataDir, "download.raw");
  const downloaded = await stratusOk(["image", "download", imageId, out]);
  assert.ok(readFileSync(out).equals(data));
  assert.match(downloaded.stderr, /download \[#+\] 100%/);
  await stratusOk(["image", "download", "e2e-cache", out]);
  assert.ok(readFileSync(out).equals(data));
  const state = JSON.parse((await stratusOk(["image-cache", "list", "--json"])).stdout) as {
    cached_images: Array<{ image_id: string; size: number; hits: number }>;
    queued_images: string[];
  };
  assert.deepEqual(
    state.cached_images.map((c) => [c.image_id, c.size, c.hits]),
    [[imageId, data.length, 1]],
  );
  assert.deepEqual(state.queued_images, []);
  assert.match((await stratusOk(["image-cache", "list"])).stdout, new RegExp(`${imageId}\\s+cached`));
  assert.match((await stratusOk(["image-cache", "prune"])).stdout, /^Pruned 0 image\(s\)/);

  const refused = await stratus(srv().openrc, ["image-cache", "clear", "--target", "all"]);
  assert.equal(refused.code, 2);
  await stratusOk(["image-cache", "delete", imageId]);
  assert.deepEqual(JSON.parse((await stratusOk(["image-cache", "list", "--json"])).stdout).cached_images, []);
});

test("glance cache-queue, cache-list, cache-delete, cache-clear (needs /versions to list v2.14)", async () => {
  assert.ok(imageId !== "", "the upload test ran first");
  await glanceOk(["cache-queue", imageId]);
  assert.deepEqual(await cacheList(), [[imageId, "queued", "N/A", "N/A", "N/A", "N/A"]]);
  await stratusOk(["image", "download", imageId, join(srv().dataDir, "again.raw")]);
  await stratusOk(["image", "download", imageId, join(srv().dataDir, "again.raw")]);
  const [cached, ...others] = await cacheList();
  assert.deepEqual(others, []);
  assert.equal(cached?.[0], imageId);
  assert.equal(cached?.[1], "cached");
  assert.match(cached?.[2] ?? "", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
  assert.equal(cached?.[4], String(data.length));
  assert.equal(cached?.[5], "1");
  await glanceOk(["cache-delete", imageId]);
  assert.deepEqual(await cacheList(), []);

  await stratusOk(["image", "download", imageId, join(srv().dataDir, "again.raw")]);
  const small = join(srv().dataDir, "small.raw");
  writeFileSync(small, randomBytes(1000));
  const other = (await stratusOk(["image", "upload", small])).stdout.trim();
  await glanceOk(["cache-queue", imageId]); // already cached: not queued again, as Glance
  await glanceOk(["cache-queue", other]);
  assert.deepEqual(
    (await cacheList()).map((row) => [row[0], row[1]]),
    [
      [imageId, "cached"],
      [other, "queued"],
    ],
  );
  await glanceOk(["cache-clear", "--target", "queue"]);
  assert.deepEqual(
    (await cacheList()).map((row) => row[1]),
    ["cached"],
  );
  await glanceOk(["cache-clear"]);
  assert.deepEqual(await cacheList(), []);
});

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { get as httpGet } from "node:http";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { ImageCacheConfig } from "../../src/config.ts";
import { ImageCache } from "../../src/image/cache/cache.ts";
import { prefetch } from "../../src/image/cache/maintenance.ts";
import type { ImageDeps } from "../../src/image/deps.ts";
import { createStores } from "../../src/image/stores/index.ts";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";

const SETTINGS: ImageCacheConfig = { maxSize: 250_000, stallTime: 3600, interval: 3600, autoPrefetch: null };

interface CacheState {
  cached_images: Array<{ image_id: string; hits: number; last_accessed: number; size: number }>;
  queued_images: string[];
}

/** Helpers over one app. */
function helpers(app: () => TestApp) {
  const t = () => app();
  const cacheDir = () => join(t().ctx.config.dataDir, "image-cache");
  const storeDir = () => join(t().ctx.config.dataDir, "images");
  const newImage = async (data: Buffer, token = t().adminToken) => {
    const image = (
      await call(t().app, token, "POST", "/image/v2/images", { disk_format: "raw", container_format: "bare" })
    ).json<{ id: string }>();
    const put = await t().app.inject({
      method: "PUT",
      url: `/image/v2/images/${image.id}/file`,
      headers: {
        accept: "application/json",
        "x-auth-token": token,
        "content-type": "application/octet-stream",
      },
      payload: data,
    });
    assert.equal(put.statusCode, 204, put.body);
    return image.id;
  };
  const download = (id: string, range?: string, token = t().adminToken) =>
    t().app.inject({
      method: "GET",
      url: `/image/v2/images/${id}/file`,
      headers: {
        accept: "application/json",
        "x-auth-token": token,
        ...(range === undefined ? {} : { range }),
      },
    });
  const state = async (token = t().adminToken) => {
    const res = await call(t().app, token, "GET", "/image/v2/cache");
    assert.equal(res.statusCode, 200, res.body);
    return res.json<CacheState>();
  };
  const cached = async (id: string) => (await state()).cached_images.find((c) => c.image_id === id);
  /** The image's bytes taken out of the store: only the cache can still serve them. */
  const dropFromStore = () => {
    for (const name of readdirSync(storeDir())) rmSync(join(storeDir(), name));
  };
  /** ImageDeps as the app built them, for running a job directly. */
  const deps = (settings: ImageCacheConfig): ImageDeps => ({
    db: t().ctx.db,
    events: t().ctx.events,
    clock: t().clock,
    stores: createStores(t().ctx.config.dataDir),
    sizeCap: 1024 ** 3,
    propertyQuota: 128,
    scrubTime: 0,
    cache: new ImageCache(cacheDir(), settings),
  });
  return { cacheDir, newImage, download, state, cached, dropFromStore, deps };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("image cache", () => {
  let t: TestApp;
  let member = "";
  const h = helpers(() => t);
  before(async () => {
    t = await startTestApp({ config: { imageCache: SETTINGS } });
    member = await userInNewProject(t, "cache-member");
  });
  after(() => t.close());

  test("a whole download fills the cache; hits count, ranges come from it, a ranged miss does not fill", async () => {
    const data = randomBytes(100_000);
    const id = await h.newImage(data);
    const ranged = await h.download(id, "bytes=0-9");
    assert.equal(ranged.statusCode, 206);
    assert.equal(await h.cached(id), undefined, "a ranged miss never fills the cache");
    const first = await h.download(id);
    assert.ok(first.rawPayload.equals(data));
    const entry = await h.cached(id);
    assert.equal(entry?.size, data.length);
    assert.equal(entry?.hits, 0);
    assert.ok(existsSync(join(h.cacheDir(), id)));
    assert.deepEqual(
      readdirSync(h.cacheDir()).filter((n) => n.endsWith(".incomplete")),
      [],
    );
    h.dropFromStore();
    t.clock.advance(5000);
    const hit = await h.download(id);
    assert.equal(hit.statusCode, 200);
    assert.ok(hit.rawPayload.equals(data), "served from the cache with the store's copy gone");
    assert.equal(hit.headers["content-length"], String(data.length));
    const range = await h.download(id, "bytes=100-199");
    assert.equal(range.statusCode, 206);
    assert.ok(range.rawPayload.equals(data.subarray(100, 200)));
    const after = await h.cached(id);
    assert.equal(after?.hits, 2);
    assert.ok((after?.last_accessed ?? 0) >= (entry?.last_accessed ?? 0) + 5);
    // Deleting the image drops its copy at once.
    assert.equal((await call(t.app, t.adminToken, "DELETE", `/image/v2/images/${id}`)).statusCode, 204);
    assert.equal(await h.cached(id), undefined);
    assert.ok(!existsSync(join(h.cacheDir(), id)));
  });

  test("only a whole, intact image is kept: a client gone mid-way or bytes that fail the MD5 leave nothing", async () => {
    const data = randomBytes(8 * 1024 * 1024);
    const id = await h.newImage(data);
    const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
    const gone = await new Promise<boolean>((resolve, reject) => {
      const req = httpGet(`${address}/image/v2/images/${id}/file`, {
        headers: { accept: "application/json", "x-auth-token": t.adminToken },
      });
      req.on("response", (res) => {
        res.once("data", () => {
          req.destroy();
          resolve(true);
        });
      });
      req.on("error", reject);
    });
    assert.ok(gone);
    await until("the abandoned fill to be discarded", async () => readdirSync(h.cacheDir()).length === 0);
    assert.equal(await h.cached(id), undefined);
    // The store's bytes changed behind Glance's back: served as they are, never cached.
    const [stored] = readdirSync(join(t.ctx.config.dataDir, "images"));
    writeFileSync(join(t.ctx.config.dataDir, "images", stored ?? ""), randomBytes(data.length));
    const corrupt = await h.download(id);
    assert.equal(corrupt.rawPayload.length, data.length);
    assert.equal(await h.cached(id), undefined);
    assert.deepEqual(readdirSync(h.cacheDir()), []);
    await call(t.app, t.adminToken, "DELETE", `/image/v2/images/${id}`);
  });

  test("API: codes, clear targets and policy (admin only)", async () => {
    const id = await h.newImage(randomBytes(1000));
    for (const [method, url] of [
      ["GET", "/image/v2/cache"],
      ["PUT", `/image/v2/cache/${id}`],
      ["DELETE", `/image/v2/cache/${id}`],
      ["DELETE", "/image/v2/cache"],
      ["POST", "/image/v2/cache/clean"],
      ["POST", "/image/v2/cache/prune"],
    ] as const) {
      const refused = await call(t.app, member, method, url);
      assert.equal(refused.statusCode, 403, `${method} ${url}`);
      assert.equal(refused.json().message, "Access was denied to this resource.");
    }
    assert.equal((await call(t.app, null, "GET", "/image/v2/cache")).statusCode, 401);
    const unknown = await call(
      t.app,
      t.adminToken,
      "PUT",
      "/image/v2/cache/00000000-0000-4000-8000-00000000abcd",
    );
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().message, "Image 00000000-0000-4000-8000-00000000abcd not found.");
    const queued = (
      await call(t.app, t.adminToken, "POST", "/image/v2/images", {
        disk_format: "raw",
        container_format: "bare",
      })
    ).json<{ id: string }>();
    const notActive = await call(t.app, t.adminToken, "PUT", `/image/v2/cache/${queued.id}`);
    assert.equal(notActive.statusCode, 400);
    assert.equal(notActive.json().message, "Only images with status active can be targeted for queueing");

    assert.equal((await call(t.app, t.adminToken, "PUT", `/image/v2/cache/${id}`)).statusCode, 202);
    assert.equal((await call(t.app, t.adminToken, "PUT", `/image/v2/cache/${id}`)).statusCode, 202);
    assert.deepEqual((await h.state()).queued_images, [id]);
    assert.equal((await call(t.app, t.adminToken, "DELETE", `/image/v2/cache/${id}`)).statusCode, 204);
    assert.deepEqual((await h.state()).queued_images, []);

    await h.download(id);
    await call(t.app, t.adminToken, "PUT", `/image/v2/cache/${queued.id}`);
    const other = await h.newImage(randomBytes(1000));
    await call(t.app, t.adminToken, "PUT", `/image/v2/cache/${other}`);
    const clear = (target: string) =>
      t.app.inject({
        method: "DELETE",
        url: "/image/v2/cache",
        headers: {
          accept: "application/json",
          "x-auth-token": t.adminToken,
          "x-image-cache-clear-target": target,
        },
      });
    const bad = await clear("everything");
    assert.equal(bad.statusCode, 400);
    assert.equal(
      bad.json().message,
      "If provided 'x-image-cache-clear-target' must be 'cache', 'queue' or empty string.",
    );
    assert.equal((await clear("queue")).statusCode, 204);
    let now = await h.state();
    assert.deepEqual(now.queued_images, []);
    assert.deepEqual(
      now.cached_images.map((c) => c.image_id),
      [id],
    );
    await call(t.app, t.adminToken, "PUT", `/image/v2/cache/${other}`);
    assert.equal((await clear("cache")).statusCode, 204);
    now = await h.state();
    assert.deepEqual(now, { cached_images: [], queued_images: [other] });
    assert.ok(!existsSync(join(h.cacheDir(), id)));
    await h.download(id);
    assert.equal((await call(t.app, t.adminToken, "PUT", `/image/v2/cache/${id}`)).statusCode, 202);
    assert.deepEqual((await h.state()).queued_images, [other], "an image in the cache is not queued");
    await h.download(id);
    assert.equal((await call(t.app, t.adminToken, "DELETE", "/image/v2/cache")).statusCode, 204);
    assert.deepEqual(await h.state(), { cached_images: [], queued_images: [] });
  });

  test("the prefetcher works the queue: active images are cached, gone ones dropped", async () => {
    const data = randomBytes(50_000);
    const id = await h.newImage(data);
    const gone = await h.newImage(randomBytes(10));
    await call(t.app, t.adminToken, "PUT", `/image/v2/cache/${id}`);
    await call(t.app, t.adminToken, "PUT", `/image/v2/cache/${gone}`);
    await call(t.app, t.adminToken, "DELETE", `/image/v2/images/${gone}`);
    await call(t.app, t.adminToken, "PUT", `/image/v2/cache/${gone}`); // 404 now; queue it behind the API's back:
    const deps = h.deps(SETTINGS);
    const cache = deps.cache;
    assert.ok(cache);
    await cache
      .db(deps)
      .insertInto("image_cache_queue")
      .values({ node: cache.node, image_id: gone, queued_at: new Date().toISOString() })
      .execute();
    const result = await prefetch(cache, deps);
    assert.deepEqual(result, { prefetched: [id], failed: [], dropped: [gone] });
    const state = await h.state();
    assert.deepEqual(state.queued_images, []);
    assert.equal(state.cached_images.find((c) => c.image_id === id)?.hits, 0);
    h.dropFromStore();
    assert.ok((await h.download(id)).rawPayload.equals(data));
    await call(t.app, t.adminToken, "DELETE", "/image/v2/cache");
  });

  test("the pruner keeps the cache under its size, least recently used first", async () => {
    const [a, b, c] = [
      await h.newImage(randomBytes(100_000)),
      await h.newImage(randomBytes(100_000)),
      await h.newImage(randomBytes(100_000)),
    ];
    await h.download(a);
    t.clock.advance(1000);
    await h.download(b);
    t.clock.advance(1000);
    await h.download(a); // a hit: a is now more recent than b
    t.clock.advance(1000);
    await h.download(c); // 300 kB > 250 kB: b goes
    const state = await h.state();
    assert.deepEqual(state.cached_images.map((e) => e.image_id).sort(), [a, c].sort());
    assert.ok(!existsSync(join(h.cacheDir(), b)));
    const pruned = await call(t.app, t.adminToken, "POST", "/image/v2/cache/prune");
    assert.equal(pruned.statusCode, 200);
    assert.deepEqual(pruned.json(), {
      pruned_images: [],
      freed_bytes: 0,
      cache_size: 200_000,
      max_size: 250_000,
    });
    // An image bigger than the whole cache is never cached.
    const huge = await h.newImage(randomBytes(260_000));
    await h.download(huge);
    assert.equal(await h.cached(huge), undefined);
    await call(t.app, t.adminToken, "DELETE", "/image/v2/cache");
  });

  test("the cleaner removes stalled and orphan files and copies of images gone or deactivated", async () => {
    const id = await h.newImage(randomBytes(2000));
    const other = await h.newImage(randomBytes(2000));
    await h.download(id);
    await h.download(other);
    // Deactivated: an admin's download no longer comes from (nor keeps) the copy.
    assert.equal(
      (await call(t.app, t.adminToken, "POST", `/image/v2/images/${id}/actions/deactivate`)).statusCode,
      204,
    );
    assert.equal((await h.download(id)).statusCode, 200);
    assert.equal(await h.cached(id), undefined);
    await call(t.app, t.adminToken, "POST", `/image/v2/images/${id}/actions/reactivate`);
    await h.download(id);
    assert.ok(await h.cached(id));
    await call(t.app, t.adminToken, "POST", `/image/v2/images/${id}/actions/deactivate`);

    const old = Date.now() / 1000 - 7200;
    const stalled = join(h.cacheDir(), "aaaaaaaa-0000-4000-8000-000000000001.incomplete");
    const fresh = join(h.cacheDir(), "aaaaaaaa-0000-4000-8000-000000000002.incomplete");
    const orphan = join(h.cacheDir(), "aaaaaaaa-0000-4000-8000-000000000003");
    for (const file of [stalled, fresh, orphan]) writeFileSync(file, "partial");
    utimesSync(stalled, old, old);
    utimesSync(orphan, old, old);
    rmSync(join(h.cacheDir(), other)); // a row whose file went
    const cleaned = await call(t.app, t.adminToken, "POST", "/image/v2/cache/clean");
    assert.equal(cleaned.statusCode, 200);
    assert.deepEqual(cleaned.json(), { removed_files: 2, removed_images: [id, other].sort() });
    assert.ok(!existsSync(stalled) && !existsSync(orphan) && existsSync(fresh));
    assert.deepEqual((await h.state()).cached_images, []);
    rmSync(fresh);
  });
});

describe("image cache off", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ config: { imageCache: null } });
  });
  after(() => t.close());

  test("the API answers 404 and downloads still work", async () => {
    const res = await call(t.app, t.adminToken, "GET", "/image/v2/cache");
    assert.equal(res.statusCode, 404);
    assert.equal(res.json().message, "Caching via API is not supported at this site.");
    const h = helpers(() => t);
    const data = randomBytes(1000);
    const id = await h.newImage(data);
    assert.ok((await h.download(id)).rawPayload.equals(data));
    assert.ok(!existsSync(h.cacheDir()));
    const versions = (await call(t.app, null, "GET", "/image/versions")).json<{
      versions: Array<{ id: string; status: string }>;
    }>().versions;
    assert.deepEqual(versions[0], { ...versions[0], id: "v2.15", status: "CURRENT" }, "2.16 is the cache's");
  });
});

describe("auto-prefetch policy", () => {
  let t: TestApp;
  const h = helpers(() => t);
  before(async () => {
    t = await startTestApp({
      config: { imageCache: { ...SETTINGS, autoPrefetch: { count: 3, window: 60 } } },
    });
  });
  after(() => t.close());

  test("an image downloaded N times within the window is prefetched", async () => {
    const data = randomBytes(10_000);
    const id = await h.newImage(data);
    const slow = await h.newImage(randomBytes(10_000));
    await h.download(slow, "bytes=0-0");
    t.clock.advance(61_000); // slow's first download leaves the window
    await h.download(slow, "bytes=0-0");
    await h.download(slow, "bytes=0-0");
    await h.download(id, "bytes=0-0");
    await h.download(id, "bytes=1-1");
    assert.equal(await h.cached(id), undefined);
    await h.download(id, "bytes=2-2"); // the third within 60 s
    const entry = await until("the prefetch", () => h.cached(id));
    assert.equal(entry.size, data.length);
    assert.equal(await h.cached(slow), undefined);
    assert.deepEqual((await h.state()).queued_images, []);
  });
});

import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { ImageDeps } from "../../src/image/deps.ts";
import { copyImageToStore, imageStores } from "../../src/image/store-copy.ts";
import { loadConfig } from "../../src/config.ts";
import { createStores } from "../../src/image/stores/index.ts";
import type { ImageTables } from "../../src/image/tables.ts";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { startS3Server, type S3Server } from "../helpers/s3.ts";

const BUCKET = "stratus-multistore";
const SPECS = [
  { id: "file", type: "file" },
  { id: "cold", type: "file" },
  { id: "s3", type: "s3" },
] as const;

let t: TestApp;
let s3: S3Server;
let deps: ImageDeps;
let alice = "";
let bob = "";

before(async () => {
  s3 = await startS3Server();
  const imageS3 = s3.settings(BUCKET, "glance");
  t = await startTestApp({ config: { imageStores: SPECS, imageS3 } });
  alice = await userInNewProject(t, "alice");
  bob = await userInNewProject(t, "bob", "reader");
  // The domain functions' view of the same stores, for the copy-image path.
  deps = {
    db: t.ctx.db,
    events: t.ctx.events,
    clock: t.clock,
    stores: createStores(t.ctx.config.dataDir, SPECS, imageS3),
    sizeCap: 1024 ** 3,
    propertyQuota: 128,
    scrubTime: 0,
  };
});
after(async () => {
  await t.close();
  await s3.close();
});

const md5 = (data: Buffer) => createHash("md5").update(data).digest("hex");

async function newImage(token = alice): Promise<string> {
  const res = await call(t.app, token, "POST", "/image/v2/images", {
    name: "multi",
    disk_format: "raw",
    container_format: "bare",
  });
  return res.json<{ id: string }>().id;
}
const upload = (id: string, data: Buffer, store?: string) =>
  t.app.inject({
    method: "PUT",
    url: `/image/v2/images/${id}/file`,
    headers: {
      accept: "application/json",
      "x-auth-token": alice,
      "content-type": "application/octet-stream",
      ...(store === undefined ? {} : { "x-image-meta-store": store }),
    },
    payload: data,
  });
const show = async (id: string) => (await call(t.app, alice, "GET", `/image/v2/images/${id}`)).json();
const download = (id: string) => call(t.app, alice, "GET", `/image/v2/images/${id}/file`);
const storeSet = (view: { stores?: string }) => (view.stores ?? "").split(",").sort().join(",");
const fileDir = (id: string) => join(t.ctx.config.dataDir, id === "file" ? "images" : `images-${id}`);

test("GET /v2/info/stores lists every store, the default marked; detail is admin only", async () => {
  const res = await call(t.app, alice, "GET", "/image/v2/info/stores");
  assert.equal(res.statusCode, 200);
  const stores = res.json<{ stores: Record<string, unknown>[] }>().stores;
  assert.deepEqual(
    stores.map((s) => [s.id, s.default]),
    [
      ["file", true],
      ["cold", undefined],
      ["s3", undefined],
    ],
  );
  assert.ok(stores.every((s) => typeof s.description === "string" && s.type === undefined));
  assert.equal((await call(t.app, null, "GET", "/image/v2/info/stores")).statusCode, 401);

  const denied = await call(t.app, alice, "GET", "/image/v2/info/stores/detail");
  assert.equal(denied.statusCode, 403);
  assert.equal(denied.json().message, "You are not authorized to complete stores_info_detail action.");
  const detail = await call(t.app, t.adminToken, "GET", "/image/v2/info/stores/detail");
  assert.equal(detail.statusCode, 200);
  const byId = new Map(detail.json<{ stores: Record<string, unknown>[] }>().stores.map((s) => [s.id, s]));
  assert.equal(byId.get("file")?.type, "file");
  assert.equal(byId.get("file")?.default, true);
  assert.deepEqual(byId.get("s3")?.properties, {
    endpoint: s3.endpoint,
    bucket: BUCKET,
    region: "us-east-1",
    prefix: "glance/",
    chunk_size: 8 * 1024 * 1024,
  });
  // The credentials never leave the server.
  assert.ok(!detail.body.includes("S3RVER"));
});

test("X-Image-Meta-Store picks the store; `stores` names it; the bytes come back", async () => {
  const data = randomBytes(3 * 1024 * 1024 + 7);
  const id = await newImage();
  assert.equal((await show(id)).stores, undefined, "no data, no stores");
  const res = await upload(id, data, "s3");
  assert.equal(res.statusCode, 204, res.body);
  const view = await show(id);
  assert.equal(view.status, "active");
  assert.equal(view.stores, "s3");
  assert.equal((await s3.keys(BUCKET)).length, 1, "one object in the bucket");
  const got = await download(id);
  assert.equal(got.statusCode, 200);
  assert.equal(md5(got.rawPayload), md5(data));
  const listed = (await call(t.app, alice, "GET", "/image/v2/images")).json<{ images: { id: string }[] }>();
  assert.equal((listed.images.find((i) => i.id === id) as { stores?: string }).stores, "s3");

  const plain = await newImage();
  assert.equal((await upload(plain, Buffer.from("default store"))).statusCode, 204);
  assert.equal((await show(plain)).stores, "file");
});

test("an unknown X-Image-Meta-Store is 400 and leaves the image queued", async () => {
  const id = await newImage();
  const res = await upload(id, Buffer.from("data"), "tape");
  assert.equal(res.statusCode, 400);
  assert.equal(res.json().message, "Store for scheme tape not found");
  assert.equal((await show(id)).status, "queued");
});

test("copy to another store: stores lists both, 409 when already there, download falls back", async () => {
  const data = randomBytes(200_000);
  const id = await newImage();
  assert.equal((await upload(id, data, "cold")).statusCode, 204);
  t.clock.advance(1000);
  await copyImageToStore(deps, id, "s3");
  assert.deepEqual(await imageStores(t.ctx.db.as<ImageTables>(), id), ["cold", "s3"]);
  assert.equal(storeSet(await show(id)), "cold,s3");
  await assert.rejects(copyImageToStore(deps, id, "s3"), {
    status: 409,
    message: "Image is already present at store 's3'",
  });
  await assert.rejects(copyImageToStore(deps, id, "tape"), { status: 400 });
  // The first store loses the bytes behind our back: the download is served by the next one.
  for (const name of readdirSync(fileDir("cold"))) rmSync(join(fileDir("cold"), name));
  const got = await download(id);
  assert.equal(got.statusCode, 200);
  assert.equal(md5(got.rawPayload), md5(data));
});

test("a download no store can serve is 503, not a server error", async () => {
  const id = await newImage();
  assert.equal((await upload(id, Buffer.from("soon lost"), "cold")).statusCode, 204);
  for (const name of readdirSync(fileDir("cold"))) rmSync(join(fileDir("cold"), name));
  const res = await download(id);
  assert.equal(res.statusCode, 503);
  assert.equal(res.json().message, `Image ${id} data could not be read from any store holding it`);
});

test("a copy is checked against the image's checksum and discarded when it differs", async () => {
  const id = await newImage();
  assert.equal((await upload(id, Buffer.from("original bytes"))).statusCode, 204);
  const before = await s3.keys(BUCKET);
  await t.ctx.db
    .as<ImageTables>()
    .updateTable("images")
    .set({ checksum: "0".repeat(32) })
    .where("id", "=", id)
    .execute();
  await assert.rejects(copyImageToStore(deps, id, "s3"), { status: 409 });
  assert.deepEqual(await s3.keys(BUCKET), before, "the mismatching copy was removed");
  assert.equal((await show(id)).stores, "file");
});

test("DELETE /v2/stores/{store}/{image}: removes one copy, as Glance answers errors", async () => {
  const data = randomBytes(50_000);
  const id = await newImage();
  assert.equal((await upload(id, data)).statusCode, 204);
  t.clock.advance(1000);
  await copyImageToStore(deps, id, "s3");
  const keys = await s3.keys(BUCKET);

  const unknown = await call(t.app, alice, "DELETE", `/image/v2/stores/tape/${id}`);
  assert.equal(unknown.statusCode, 409);
  assert.equal(unknown.json().message, "The selected store tape is not available on this node.");
  const notThere = await call(t.app, alice, "DELETE", `/image/v2/stores/cold/${id}`);
  assert.equal(notThere.statusCode, 404);
  assert.equal(notThere.json().message, `Image ${id} is not stored in store cold.`);
  const missing = await call(
    t.app,
    alice,
    "DELETE",
    `/image/v2/stores/s3/${"0".repeat(8)}-0000-4000-8000-000000000000`,
  );
  assert.equal(missing.statusCode, 404);
  // Another project does not see the private image at all.
  assert.equal((await call(t.app, bob, "DELETE", `/image/v2/stores/s3/${id}`)).statusCode, 404);

  const res = await call(t.app, alice, "DELETE", `/image/v2/stores/s3/${id}`);
  assert.equal(res.statusCode, 204, res.body);
  assert.equal((await show(id)).stores, "file");
  assert.equal((await s3.keys(BUCKET)).length, keys.length - 1, "the s3 object is gone");
  assert.equal(md5((await download(id)).rawPayload), md5(data));
  const events = await t.ctx.db
    .as<{ events: { seq: number; type: string; resource_id: string | null; payload: string } }>()
    .selectFrom("events")
    .select(["type", "payload"])
    .where("resource_id", "=", id)
    .orderBy("seq")
    .execute();
  const last = events.filter((e) => e.type !== "image.send").at(-1);
  assert.equal(last?.type, "image.update");
  assert.equal(JSON.parse(last?.payload ?? "{}").stores, "file");

  const only = await call(t.app, alice, "DELETE", `/image/v2/stores/file/${id}`);
  assert.equal(only.statusCode, 403);
  assert.equal(
    only.json().message,
    "Cannot delete image data from the only store containing it. Consider deleting the image instead.",
  );
  const queued = await newImage();
  const inactive = await call(t.app, alice, "DELETE", `/image/v2/stores/file/${queued}`);
  assert.equal(inactive.statusCode, 409);
  assert.equal(
    inactive.json().message,
    "It's not allowed to remove image data from store if image status is not 'active'",
  );
});

test("deleting the image removes its bytes from every store", async () => {
  const id = await newImage();
  assert.equal((await upload(id, Buffer.from("everywhere"), "s3")).statusCode, 204);
  t.clock.advance(1000);
  await copyImageToStore(deps, id, "cold");
  const keys = (await s3.keys(BUCKET)).length;
  const coldFiles = readdirSync(fileDir("cold")).length;
  assert.equal((await call(t.app, alice, "DELETE", `/image/v2/images/${id}`)).statusCode, 204);
  assert.equal((await s3.keys(BUCKET)).length, keys - 1);
  assert.equal(readdirSync(fileDir("cold")).length, coldFiles - 1);
});

test("an s3 store without its settings is a start-up error naming what is missing", () => {
  const env = {
    STRATUS_IMAGE_STORES: "file:file,bucket:s3",
    STRATUS_IMAGE_S3_ENDPOINT: "http://127.0.0.1:9",
  };
  assert.throws(
    () => loadConfig([], env),
    new Error(
      "STRATUS_IMAGE_STORES names the s3 store 'bucket' but STRATUS_IMAGE_S3_BUCKET, " +
        "STRATUS_IMAGE_S3_ACCESS_KEY, STRATUS_IMAGE_S3_SECRET_KEY are not set",
    ),
  );
  const full = {
    ...env,
    STRATUS_IMAGE_S3_BUCKET: "b",
    STRATUS_IMAGE_S3_ACCESS_KEY: "k",
    STRATUS_IMAGE_S3_SECRET_KEY: "s",
  };
  assert.equal(loadConfig([], full).imageS3?.region, "us-east-1");
  assert.equal(loadConfig([], {}).imageS3, null);
});

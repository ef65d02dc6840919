import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { recoverUploads } from "../../src/image/image-data.ts";
import { createStores } from "../../src/image/stores/index.ts";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";

let t: TestApp;
let alice = "";
let bob = "";

before(async () => {
  t = await startTestApp({ config: { imageSizeCap: 200_000 } });
  alice = await userInNewProject(t, "alice");
  bob = await userInNewProject(t, "bob");
});
after(() => t.close());

const imagesDir = () => join(t.ctx.config.dataDir, "images");
const files = () => (existsSync(imagesDir()) ? readdirSync(imagesDir()) : []);

async function newImage(
  token = alice,
  body: Record<string, unknown> = { disk_format: "raw", container_format: "bare" },
) {
  return (await call(t.app, token, "POST", "/image/v2/images", body)).json<{ id: string; status: string }>();
}
const upload = (id: string, data: Buffer, token = alice, type = "application/octet-stream") =>
  t.app.inject({
    method: "PUT",
    url: `/image/v2/images/${id}/file`,
    headers: { accept: "application/json", "x-auth-token": token, "content-type": type },
    payload: data,
  });
const show = async (id: string, token = alice) =>
  (await call(t.app, token, "GET", `/image/v2/images/${id}`)).json();
const action = (id: string, name: string, token = t.adminToken) =>
  call(t.app, token, "POST", `/image/v2/images/${id}/actions/${name}`);

test("upload then download: hashes, sizes, Content-MD5, Range, 416, events", async () => {
  const image = await newImage();
  assert.equal((await call(t.app, alice, "GET", `/image/v2/images/${image.id}/file`)).statusCode, 204);
  const data = randomBytes(100_000);
  const res = await upload(image.id, data);
  assert.equal(res.statusCode, 204, res.body);
  const shown = await show(image.id);
  assert.equal(shown.status, "active");
  assert.equal(shown.size, data.length);
  assert.equal(shown.virtual_size, data.length);
  assert.equal(shown.checksum, createHash("md5").update(data).digest("hex"));
  assert.equal(shown.os_hash_algo, "sha512");
  assert.equal(shown.os_hash_value, createHash("sha512").update(data).digest("hex"));
  const got = await call(t.app, alice, "GET", `/image/v2/images/${image.id}/file`);
  assert.equal(got.statusCode, 200);
  assert.ok(got.rawPayload.equals(data));
  assert.equal(got.headers["content-md5"], shown.checksum);
  assert.equal(Number(got.headers["content-length"]), data.length);
  const ranged = await t.app.inject({
    method: "GET",
    url: `/image/v2/images/${image.id}/file`,
    headers: { accept: "application/json", "x-auth-token": alice, range: "bytes=10-19" },
  });
  assert.equal(ranged.statusCode, 206);
  assert.equal(ranged.headers["content-range"], `bytes 10-19/${data.length}`);
  assert.ok(ranged.rawPayload.equals(data.subarray(10, 20)));
  const suffix = await t.app.inject({
    method: "GET",
    url: `/image/v2/images/${image.id}/file`,
    headers: { accept: "application/json", "x-auth-token": alice, range: "bytes=-5" },
  });
  assert.ok(suffix.rawPayload.equals(data.subarray(-5)));
  const bad = await t.app.inject({
    method: "GET",
    url: `/image/v2/images/${image.id}/file`,
    headers: { accept: "application/json", "x-auth-token": alice, range: "bytes=200000-" },
  });
  assert.equal(bad.statusCode, 416);
  assert.equal(bad.headers["content-range"], `bytes */${data.length}`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const events = await t.ctx.db
    .as<{ events: { seq: number; type: string; resource_id: string | null; payload: string } }>()
    .selectFrom("events")
    .select(["type", "payload"])
    .where("resource_id", "=", image.id)
    .orderBy("seq")
    .execute();
  assert.deepEqual(events.map((e) => e.type).slice(0, 3), ["image.create", "image.upload", "image.activate"]);
  const send = events.find((e) => e.type === "image.send");
  assert.equal(JSON.parse(send?.payload ?? "{}").bytes_sent, data.length);
  // Delete removes the bytes now.
  assert.equal(files().length, 1);
  assert.equal((await call(t.app, alice, "DELETE", `/image/v2/images/${image.id}`)).statusCode, 204);
  assert.deepEqual(files(), []);
});

test("state machine: refused transitions answer 409 and change nothing", async () => {
  const image = await newImage();
  assert.equal((await action(image.id, "deactivate")).statusCode, 409);
  assert.equal((await action(image.id, "reactivate")).statusCode, 409);
  assert.equal((await show(image.id)).status, "queued");
  await upload(image.id, Buffer.from("hello"));
  const again = await upload(image.id, Buffer.from("other"));
  assert.equal(again.statusCode, 409);
  assert.equal(again.json().message, "Image status transition from active to saving is not allowed");
  assert.equal((await show(image.id)).checksum, createHash("md5").update("hello").digest("hex"));
  assert.equal((await action(image.id, "deactivate", alice)).statusCode, 403);
  assert.equal((await action(image.id, "deactivate")).statusCode, 204);
  assert.equal((await show(image.id)).status, "deactivated");
  assert.equal((await call(t.app, alice, "GET", `/image/v2/images/${image.id}/file`)).statusCode, 403);
  assert.equal((await call(t.app, t.adminToken, "GET", `/image/v2/images/${image.id}/file`)).statusCode, 200);
  assert.equal((await upload(image.id, Buffer.from("x"))).statusCode, 409);
  assert.equal((await action(image.id, "reactivate")).statusCode, 204);
  assert.equal((await show(image.id)).status, "active");
  const patched = await t.app.inject({
    method: "PATCH",
    url: `/image/v2/images/${image.id}`,
    headers: {
      accept: "application/json",
      "x-auth-token": alice,
      "content-type": "application/openstack-images-v2.1-json-patch",
    },
    payload: JSON.stringify([{ op: "replace", path: "/disk_format", value: "qcow2" }]),
  });
  assert.equal(patched.statusCode, 403);
  assert.equal((await show(image.id)).disk_format, "raw");
});

test("upload needs formats (400), octet-stream (415), the owner (403/404)", async () => {
  const bare = await newImage(alice, {});
  const res = await upload(bare.id, Buffer.from("x"));
  assert.equal(res.statusCode, 400);
  assert.equal(
    res.json().message,
    "Properties disk_format, container_format must be set prior to saving data.",
  );
  const image = await newImage();
  assert.equal((await upload(image.id, Buffer.from("x"), alice, "application/json")).statusCode, 415);
  assert.equal((await upload(image.id, Buffer.from("x"), bob)).statusCode, 404);
  assert.equal((await show(image.id)).status, "queued");
});

test("size cap: 413, image back to queued, no bytes left", async () => {
  const image = await newImage();
  const before = files();
  const res = await upload(image.id, randomBytes(200_001));
  assert.equal(res.statusCode, 413);
  assert.equal(res.json().message, "The provided image is too large.");
  assert.equal((await show(image.id)).status, "queued");
  assert.deepEqual(files(), before);
});

test("format mismatch: qcow2 bytes declared raw is 400 and queued; qcow2 declared qcow2 passes", async () => {
  const qcow2 = Buffer.alloc(4096);
  qcow2.write("QFI\xfb", 0, "latin1");
  qcow2.writeBigUInt64BE(1073741824n, 24);
  const raw = await newImage();
  const before = files();
  assert.equal((await upload(raw.id, qcow2)).statusCode, 400);
  assert.equal((await show(raw.id)).status, "queued");
  assert.deepEqual(files(), before);
  const good = await newImage(alice, { disk_format: "qcow2", container_format: "bare" });
  assert.equal((await upload(good.id, qcow2)).statusCode, 204);
  assert.equal((await show(good.id)).virtual_size, 1073741824);
  const iso = Buffer.alloc(0x9000);
  iso.write("CD001", 0x8001, "latin1");
  const wrong = await newImage(alice, { disk_format: "vmdk", container_format: "bare" });
  assert.equal((await upload(wrong.id, iso)).statusCode, 400);
  await call(t.app, alice, "DELETE", `/image/v2/images/${good.id}`);
});

test("a client that disconnects mid-upload leaves the image queued and no bytes", async () => {
  const image = await newImage();
  const before = files();
  const address = await t.app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = new URL(address);
  const socket = connect(Number(port), "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.write(
    `PUT /image/v2/images/${image.id}/file HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${alice}\r\n` +
      "Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n",
  );
  socket.write(randomBytes(30_000));
  for (let i = 0; i < 50 && (await show(image.id)).status !== "saving"; i++)
    await new Promise((r) => setTimeout(r, 10));
  assert.equal((await show(image.id)).status, "saving");
  socket.destroy();
  for (let i = 0; i < 100 && (await show(image.id)).status === "saving"; i++)
    await new Promise((r) => setTimeout(r, 10));
  assert.equal((await show(image.id)).status, "queued");
  assert.deepEqual(files(), before);
  assert.equal((await upload(image.id, Buffer.from("retry"))).statusCode, 204);
  await call(t.app, alice, "DELETE", `/image/v2/images/${image.id}`);
});

test("a store failure kills the image; start-up turns saving back to queued and cleans partials", async () => {
  const image = await newImage();
  rmSync(imagesDir(), { recursive: true, force: true });
  writeFileSync(imagesDir(), "not a directory");
  const res = await upload(image.id, Buffer.from("data"));
  assert.equal(res.statusCode, 500);
  assert.equal((await show(image.id)).status, "killed");
  assert.equal((await upload(image.id, Buffer.from("data"))).statusCode, 409);
  rmSync(imagesDir());

  const stuck = await newImage();
  await t.ctx.db
    .as<{ images: { id: string; status: string } }>()
    .updateTable("images")
    .set({ status: "saving" })
    .where("id", "=", stuck.id)
    .execute();
  const stores = createStores(t.ctx.config.dataDir);
  await stores.default.put((await import("node:stream")).Readable.from([Buffer.from("whole")]));
  writeFileSync(join(imagesDir(), "0b5f9b8e-0000-4000-8000-000000000000.part"), "partial");
  await recoverUploads({
    db: t.ctx.db,
    events: t.ctx.events,
    clock: t.clock,
    stores,
    sizeCap: 1,
    propertyQuota: 1,
    scrubTime: 0,
  });
  assert.equal((await show(stuck.id)).status, "queued");
  assert.equal(files().filter((f) => f.endsWith(".part")).length, 0);
  assert.ok(files().length >= 1);
});

test("file store refuses locations it did not make", async () => {
  const store = createStores(t.ctx.config.dataDir).default;
  await assert.rejects(store.get("file:///etc/passwd"));
  await assert.rejects(store.get(`file://${imagesDir()}/../../etc/passwd`));
  assert.equal(await store.exists(`file://${imagesDir()}/00000000-0000-4000-8000-000000000000`), false);
});

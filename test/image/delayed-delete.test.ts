import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { scrubImages } from "../../src/image/delayed-delete.ts";
import type { ImageDeps } from "../../src/image/deps.ts";
import { createStores } from "../../src/image/stores/index.ts";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";

/** Delayed delete with a ten-minute scrub time: pending_delete, hidden, restorable, then scrubbed. */
const SCRUB_TIME = 600;

let t: TestApp;
let alice = "";
let deps: ImageDeps;

before(async () => {
  t = await startTestApp({ config: { imageScrubTime: SCRUB_TIME } });
  alice = await userInNewProject(t, "alice");
  deps = {
    db: t.ctx.db,
    events: t.ctx.events,
    clock: t.clock,
    stores: createStores(t.ctx.config.dataDir),
    sizeCap: 1 << 20,
    propertyQuota: 128,
    scrubTime: SCRUB_TIME,
  };
});
after(() => t.close());

const imagesDir = () => join(t.ctx.config.dataDir, "images");
const files = () => (existsSync(imagesDir()) ? readdirSync(imagesDir()) : []);

async function activeImage(): Promise<string> {
  const body = { name: "doomed", disk_format: "raw", container_format: "bare" };
  const { id } = (await call(t.app, alice, "POST", "/image/v2/images", body)).json<{ id: string }>();
  const res = await t.app.inject({
    method: "PUT",
    url: `/image/v2/images/${id}/file`,
    headers: {
      accept: "application/json",
      "x-auth-token": alice,
      "content-type": "application/octet-stream",
    },
    payload: Buffer.alloc(4096, 7),
  });
  assert.equal(res.statusCode, 204, res.body);
  return id;
}

const statusOf = async (id: string, token: string) => {
  const res = await call(t.app, token, "GET", `/image/v2/images/${id}`);
  return res.statusCode === 200 ? res.json<{ status: string }>().status : res.statusCode;
};
const listed = async (token: string, query = "") =>
  (await call(t.app, token, "GET", `/image/v2/images${query}`))
    .json<{ images: Array<{ id: string }> }>()
    .images.map((i) => i.id);

test("delete keeps the data in pending_delete: gone for the owner, seen and restorable by an admin", async () => {
  const id = await activeImage();
  const before = files().length;
  assert.equal((await call(t.app, alice, "DELETE", `/image/v2/images/${id}`)).statusCode, 204);
  assert.equal(await statusOf(id, alice), 404);
  assert.ok(!(await listed(alice)).includes(id));
  assert.equal(await statusOf(id, t.adminToken), "pending_delete");
  assert.ok(!(await listed(t.adminToken)).includes(id), "not in the admin's ordinary list");
  assert.ok((await listed(t.adminToken, "?status=pending_delete")).includes(id));
  assert.equal(files().length, before, "the data is kept for a restore");
  // Only an admin restores; nothing else may move it on.
  const denied = await call(t.app, alice, "POST", `/image/v2/images/${id}/actions/restore`);
  assert.equal(denied.statusCode, 404);
  const reactivate = await call(t.app, t.adminToken, "POST", `/image/v2/images/${id}/actions/reactivate`);
  assert.equal(reactivate.statusCode, 409);
  const restored = await call(t.app, t.adminToken, "POST", `/image/v2/images/${id}/actions/restore`);
  assert.equal(restored.statusCode, 204, restored.body);
  assert.equal(await statusOf(id, alice), "active");
  const again = await call(t.app, t.adminToken, "POST", `/image/v2/images/${id}/actions/restore`);
  assert.equal(again.statusCode, 409, "an active image has nothing to restore");
  const data = await call(t.app, alice, "GET", `/image/v2/images/${id}/file`);
  assert.equal(data.rawPayload.length, 4096);
});

test("a deactivated image is restored deactivated", async () => {
  const id = await activeImage();
  await call(t.app, t.adminToken, "POST", `/image/v2/images/${id}/actions/deactivate`);
  await call(t.app, alice, "DELETE", `/image/v2/images/${id}`);
  await call(t.app, t.adminToken, "POST", `/image/v2/images/${id}/actions/restore`);
  assert.equal(await statusOf(id, alice), "deactivated");
});

test("the scrubber removes images and their data only after the scrub time", async () => {
  const id = await activeImage();
  const before = files().length;
  await call(t.app, alice, "DELETE", `/image/v2/images/${id}`);
  t.clock.advance((SCRUB_TIME - 10) * 1000);
  assert.equal(await scrubImages(deps), 0);
  assert.equal(await statusOf(id, t.adminToken), "pending_delete");
  t.clock.advance(20 * 1000);
  assert.equal(await scrubImages(deps), 1);
  assert.equal(await statusOf(id, t.adminToken), 404);
  assert.equal(files().length, before - 1, "the data is gone");
  const restore = await call(t.app, t.adminToken, "POST", `/image/v2/images/${id}/actions/restore`);
  assert.equal(restore.statusCode, 404);
});

test("an image without data is deleted at once", async () => {
  const body = { disk_format: "raw", container_format: "bare" };
  const { id } = (await call(t.app, alice, "POST", "/image/v2/images", body)).json<{ id: string }>();
  await call(t.app, alice, "DELETE", `/image/v2/images/${id}`);
  assert.equal(await statusOf(id, t.adminToken), 404);
});

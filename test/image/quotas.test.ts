import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";

/** Glance's image_tag_quota and image_member_quota: 413 past them, nothing changed. */
let t: TestApp;
let alice = "";

before(async () => {
  t = await startTestApp({ config: { imageTagQuota: 2, imageMemberQuota: 1 } });
  alice = await userInNewProject(t, "alice");
});
after(() => t.close());

const create = (body: Record<string, unknown>) => call(t.app, alice, "POST", "/image/v2/images", body);
const tagsOf = async (id: string) =>
  (await call(t.app, alice, "GET", `/image/v2/images/${id}`)).json<{ tags: string[] }>().tags;

test("tags: create, PUT tag and JSON Patch all stop at the quota", async () => {
  const over = await create({ tags: ["a", "b", "c"] });
  assert.equal(over.statusCode, 413);
  assert.match(over.json<{ message: string }>().message, /image tags\. Attempted: 3, Maximum: 2/);
  const { id } = (await create({ tags: ["a", "b"] })).json<{ id: string }>();
  const put = await call(t.app, alice, "PUT", `/image/v2/images/${id}/tags/c`);
  assert.equal(put.statusCode, 413);
  assert.equal(
    (await call(t.app, alice, "PUT", `/image/v2/images/${id}/tags/a`)).statusCode,
    204,
    "no new tag",
  );
  const patch = await t.app.inject({
    method: "PATCH",
    url: `/image/v2/images/${id}`,
    headers: {
      accept: "application/json",
      "x-auth-token": alice,
      "content-type": "application/openstack-images-v2.1-json-patch",
    },
    payload: JSON.stringify([{ op: "replace", path: "/tags", value: ["x", "y", "z"] }]),
  });
  assert.equal(patch.statusCode, 413);
  assert.deepEqual(await tagsOf(id), ["a", "b"]);
});

test("members: the second member of an image is refused", async () => {
  const { id } = (await create({ visibility: "shared" })).json<{ id: string }>();
  const first = await call(t.app, alice, "POST", `/image/v2/images/${id}/members`, { member: "p1" });
  assert.equal(first.statusCode, 200, first.body);
  const second = await call(t.app, alice, "POST", `/image/v2/images/${id}/members`, { member: "p2" });
  assert.equal(second.statusCode, 413);
  assert.match(
    second.json<{ message: string }>().message,
    /image members for this image\. Attempted: 2, Maximum: 1/,
  );
  const members = await call(t.app, alice, "GET", `/image/v2/images/${id}/members`);
  assert.equal(members.json<{ members: unknown[] }>().members.length, 1);
});

test("usage: the project's image count and size, uploads in flight, no limits", async () => {
  const { id } = (await create({ disk_format: "raw", container_format: "bare" })).json<{ id: string }>();
  await t.app.inject({
    method: "PUT",
    url: `/image/v2/images/${id}/file`,
    headers: {
      accept: "application/json",
      "x-auth-token": alice,
      "content-type": "application/octet-stream",
    },
    payload: Buffer.alloc(3 * 1024 * 1024 + 1),
  });
  const usage = (await call(t.app, alice, "GET", "/image/v2/info/usage")).json<{
    usage: Record<string, { limit: number; usage: number }>;
  }>().usage;
  const images = (await call(t.app, alice, "GET", "/image/v2/images")).json<{ images: unknown[] }>().images;
  assert.deepEqual(usage.image_size_total, { limit: -1, usage: 4 }, "MiB, rounded up");
  assert.deepEqual(usage.image_count_total, { limit: -1, usage: images.length });
  assert.deepEqual(usage.image_count_uploading, { limit: -1, usage: 0 });
  const other = await userInNewProject(t, "carol");
  const theirs = (await call(t.app, other, "GET", "/image/v2/info/usage")).json<{
    usage: Record<string, { usage: number }>;
  }>().usage;
  assert.equal(theirs.image_count_total?.usage, 0);
});

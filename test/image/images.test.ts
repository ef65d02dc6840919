import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";

let t: TestApp;
let alice = "";
let bob = "";
let aliceReader = "";
let bobProject = "";

const PATCH = "application/openstack-images-v2.1-json-patch";

before(async () => {
  t = await startTestApp({ config: { imagePropertyQuota: 3 } });
  alice = await userInNewProject(t, "alice");
  bob = await userInNewProject(t, "bob");
  aliceReader = await userInNewProject(t, "alice-readers", "reader");
  const projects = (await call(t.app, t.adminToken, "GET", "/identity/v3/projects?name=bob")).json();
  bobProject = projects.projects[0].id;
});
after(() => t.close());

const create = (token: string, body: unknown) => call(t.app, token, "POST", "/image/v2/images", body);
const patch = (token: string, id: string, ops: unknown, type = PATCH) =>
  t.app.inject({
    method: "PATCH",
    url: `/image/v2/images/${id}`,
    headers: { accept: "application/json", "x-auth-token": token, "content-type": type },
    payload: JSON.stringify(ops),
  });

test("discovery: 300 at the root, versions, schemas, stores", async () => {
  const root = await call(t.app, null, "GET", "/image/");
  assert.equal(root.statusCode, 300);
  const versions = root.json<{ versions: Array<{ id: string; status: string }> }>().versions;
  assert.deepEqual(versions[0], { ...versions[0], id: "v2.16", status: "CURRENT" }, "the cache is on");
  assert.equal(versions.at(-1)?.id, "v2.0");
  assert.equal((await call(t.app, null, "GET", "/image/versions")).statusCode, 200);
  for (const name of ["image", "images", "member", "members"]) {
    const schema = await call(t.app, alice, "GET", `/image/v2/schemas/${name}`);
    assert.equal(schema.json().name, name);
  }
  const stores = (await call(t.app, alice, "GET", "/image/v2/info/stores")).json();
  assert.deepEqual(stores.stores[0], { id: "file", description: "Local file system store", default: true });
});

test("create with defaults, show, properties; reserved and read-only refused", async () => {
  const res = await create(alice, {
    name: "cirros",
    disk_format: "raw",
    container_format: "bare",
    os_distro: "cirros",
    tags: ["a"],
  });
  assert.equal(res.statusCode, 201);
  const image = res.json();
  assert.equal(image.status, "queued");
  assert.equal(image.visibility, "shared");
  assert.equal(image.os_distro, "cirros");
  assert.deepEqual(image.tags, ["a"]);
  assert.equal(image.self, `/v2/images/${image.id}`);
  assert.equal(image.size, null);
  assert.equal((await call(t.app, alice, "GET", `/image/v2/images/${image.id}`)).json().name, "cirros");
  for (const [body, message] of [
    [{ status: "active" }, "Attribute 'status' is read-only."],
    [{ checksum: "x" }, "Attribute 'checksum' is read-only."],
    [{ os_glance_import: "x" }, "Attribute 'os_glance_import' is reserved."],
  ] as const) {
    const refused = await create(alice, body);
    assert.equal(refused.statusCode, 403);
    assert.equal(refused.json().message, message);
  }
  assert.equal((await create(alice, { disk_format: "floppy" })).statusCode, 400);
  assert.equal((await create(alice, { os_distro: 5 })).statusCode, 400);
  assert.equal((await create(alice, { visibility: "public" })).statusCode, 403);
  assert.equal((await create(t.adminToken, { visibility: "public" })).statusCode, 201);
  assert.equal((await create(alice, { a: "1", b: "2", c: "3", d: "4" })).statusCode, 413);
  assert.equal((await create(aliceReader, { name: "x" })).statusCode, 403);
  assert.equal((await create(alice, { id: image.id })).statusCode, 409);
  assert.equal((await call(t.app, null, "GET", `/image/v2/images/${image.id}`)).statusCode, 401);
});

test("another project's private image is 404; members CRUD on shared images", async () => {
  const priv = (await create(alice, { name: "priv", visibility: "private" })).json();
  assert.equal((await call(t.app, bob, "GET", `/image/v2/images/${priv.id}`)).statusCode, 404);
  const members = await call(t.app, alice, "POST", `/image/v2/images/${priv.id}/members`, {
    member: bobProject,
  });
  assert.equal(members.statusCode, 403);
  assert.equal(members.json().message, "Only shared images have members.");

  const shared = (await create(alice, { name: "shared-one" })).json();
  assert.equal((await call(t.app, bob, "GET", `/image/v2/images/${shared.id}`)).statusCode, 404);
  const added = await call(t.app, alice, "POST", `/image/v2/images/${shared.id}/members`, {
    member: bobProject,
  });
  assert.equal(added.statusCode, 200);
  assert.equal(added.json().status, "pending");
  assert.equal(
    (await call(t.app, alice, "POST", `/image/v2/images/${shared.id}/members`, { member: bobProject }))
      .statusCode,
    409,
  );
  // Bob sees it by id, but lists it only once accepted.
  assert.equal((await call(t.app, bob, "GET", `/image/v2/images/${shared.id}`)).statusCode, 200);
  const listed = async () =>
    (await call(t.app, bob, "GET", "/image/v2/images")).json().images.map((i: { id: string }) => i.id);
  assert.ok(!(await listed()).includes(shared.id));
  const pending = (await call(t.app, bob, "GET", "/image/v2/images?member_status=pending")).json().images;
  assert.ok(pending.some((i: { id: string }) => i.id === shared.id));
  // The owner cannot answer for the consumer; the consumer can.
  const url = `/image/v2/images/${shared.id}/members/${bobProject}`;
  assert.equal((await call(t.app, alice, "PUT", url, { status: "accepted" })).statusCode, 403);
  assert.equal((await call(t.app, bob, "PUT", url, { status: "maybe" })).statusCode, 400);
  assert.equal((await call(t.app, bob, "PUT", url, { status: "accepted" })).json().status, "accepted");
  assert.ok((await listed()).includes(shared.id));
  assert.equal(
    (await call(t.app, bob, "GET", `/image/v2/images/${shared.id}/members`)).json().members.length,
    1,
  );
  // Bob may not modify or delete it, nor remove members.
  assert.equal((await patch(bob, shared.id, [{ op: "replace", path: "/name", value: "x" }])).statusCode, 403);
  assert.equal((await call(t.app, bob, "DELETE", `/image/v2/images/${shared.id}`)).statusCode, 403);
  assert.equal((await call(t.app, bob, "DELETE", url)).statusCode, 403);
  assert.equal((await call(t.app, alice, "DELETE", url)).statusCode, 204);
  assert.equal((await call(t.app, bob, "GET", `/image/v2/images/${shared.id}`)).statusCode, 404);
  const types = await eventTypes(shared.id);
  assert.deepEqual(types, [
    "image.create",
    "image.member.create",
    "image.member.update",
    "image.member.delete",
  ]);
});

test("community images are listed only when asked for or owned", async () => {
  const community = (await create(alice, { name: "comm", visibility: "community" })).json();
  assert.equal((await call(t.app, bob, "GET", `/image/v2/images/${community.id}`)).statusCode, 200);
  const ids = async (token: string, query = "") =>
    (await call(t.app, token, "GET", `/image/v2/images${query}`))
      .json()
      .images.map((i: { id: string }) => i.id);
  assert.ok(!(await ids(bob)).includes(community.id));
  assert.ok((await ids(bob, "?visibility=community")).includes(community.id));
  assert.ok((await ids(alice)).includes(community.id));
});

test("JSON Patch: add/replace/remove, Glance's errors, 415", async () => {
  const image = (await create(alice, { name: "p", disk_format: "raw", container_format: "bare" })).json();
  const res = await patch(alice, image.id, [
    { op: "replace", path: "/name", value: "renamed" },
    { op: "add", path: "/hw_disk_bus", value: "virtio" },
    { op: "replace", path: "/tags", value: ["x", "y"] },
    { op: "replace", path: "/min_ram", value: 512 },
  ]);
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().name, "renamed");
  assert.equal(res.json().hw_disk_bus, "virtio");
  assert.deepEqual(res.json().tags, ["x", "y"]);
  const removed = await patch(alice, image.id, [{ op: "remove", path: "/hw_disk_bus" }]);
  assert.equal(removed.json().hw_disk_bus, undefined);
  const cases: Array<[unknown, number]> = [
    [[{ op: "remove", path: "/nothing" }], 409],
    [[{ op: "replace", path: "/nothing", value: "v" }], 409],
    [[{ op: "replace", path: "/status", value: "active" }], 403],
    [[{ op: "add", path: "/os_glance_x", value: "v" }], 403],
    [[{ op: "remove", path: "/name" }], 403],
    [[{ op: "move", path: "/name" }], 400],
    [[{ op: "add", path: "a/b", value: "v" }], 400],
    [[{ op: "replace", path: "/visibility", value: "public" }], 403],
    [[{ op: "replace", path: "/visibility", value: "nope" }], 400],
    [
      [
        { op: "add", path: "/a", value: "1" },
        { op: "add", path: "/b", value: "1" },
        { op: "add", path: "/c", value: "1" },
        { op: "add", path: "/d", value: "1" },
      ],
      413,
    ],
    [{ op: "add" }, 400],
  ];
  for (const [ops, status] of cases)
    assert.equal((await patch(alice, image.id, ops)).statusCode, status, JSON.stringify(ops));
  assert.equal((await patch(alice, image.id, [], "application/json")).statusCode, 415);
  assert.equal((await patch(aliceReader, image.id, [])).statusCode, 404);
  assert.equal((await call(t.app, alice, "GET", `/image/v2/images/${image.id}`)).json().name, "renamed");
});

test("tags, protected delete, hidden images", async () => {
  const image = (await create(alice, { name: "tagged" })).json();
  assert.equal((await call(t.app, alice, "PUT", `/image/v2/images/${image.id}/tags/blue`)).statusCode, 204);
  assert.deepEqual((await call(t.app, alice, "GET", `/image/v2/images/${image.id}`)).json().tags, ["blue"]);
  const byTag = (await call(t.app, alice, "GET", "/image/v2/images?tag=blue")).json().images;
  assert.deepEqual(
    byTag.map((i: { id: string }) => i.id),
    [image.id],
  );
  assert.equal((await call(t.app, alice, "DELETE", `/image/v2/images/${image.id}/tags/red`)).statusCode, 404);
  assert.equal(
    (await call(t.app, alice, "DELETE", `/image/v2/images/${image.id}/tags/blue`)).statusCode,
    204,
  );
  await patch(alice, image.id, [
    { op: "replace", path: "/protected", value: true },
    { op: "replace", path: "/os_hidden", value: true },
  ]);
  assert.equal((await call(t.app, alice, "DELETE", `/image/v2/images/${image.id}`)).statusCode, 403);
  const listed = (await call(t.app, alice, "GET", "/image/v2/images"))
    .json()
    .images.map((i: { id: string }) => i.id);
  assert.ok(!listed.includes(image.id));
  const hidden = (await call(t.app, alice, "GET", "/image/v2/images?os_hidden=true")).json().images;
  assert.deepEqual(
    hidden.map((i: { id: string }) => i.id),
    [image.id],
  );
  await patch(alice, image.id, [{ op: "replace", path: "/protected", value: false }]);
  assert.equal((await call(t.app, alice, "DELETE", `/image/v2/images/${image.id}`)).statusCode, 204);
  assert.equal((await call(t.app, alice, "GET", `/image/v2/images/${image.id}`)).statusCode, 404);
});

test("list: filters, sorting, pagination", async () => {
  const token = await userInNewProject(t, "lister");
  const made: string[] = [];
  for (const [i, name] of ["c", "a", "b", "d"].entries()) {
    t.clock.advance(2000);
    made.push((await create(token, { name, min_disk: i, color: i % 2 === 0 ? "red" : "blue" })).json().id);
  }
  const names = async (query: string) =>
    (await call(t.app, token, "GET", `/image/v2/images?owner=${await projectOf(token)}&${query}`))
      .json()
      .images.map((i: { name: string }) => i.name);
  assert.deepEqual(await names(""), ["d", "b", "a", "c"]);
  assert.deepEqual(await names("sort_key=name&sort_dir=asc"), ["a", "b", "c", "d"]);
  assert.deepEqual(await names("sort=name:desc"), ["d", "c", "b", "a"]);
  assert.deepEqual(await names("color=red&sort=name:asc"), ["b", "c"]);
  assert.deepEqual(await names("name=in:a,d&sort=name:asc"), ["a", "d"]);
  const owner = await projectOf(token);
  const b = (await call(t.app, token, "GET", `/image/v2/images/${made[2]}`)).json();
  assert.deepEqual(await names(`created_at=gt:${b.created_at}`), ["d"]);
  assert.deepEqual(await names(`created_at=lte:${b.created_at}&sort=name:asc`), ["a", "b", "c"]);
  assert.deepEqual(await names(`created_at=neq:${b.created_at}&sort=name:asc`), ["a", "c", "d"]);
  const page = (
    await call(t.app, token, "GET", `/image/v2/images?owner=${owner}&limit=2&sort=name:asc`)
  ).json();
  assert.deepEqual(
    page.images.map((i: { name: string }) => i.name),
    ["a", "b"],
  );
  assert.equal(page.schema, "/v2/schemas/images");
  assert.match(page.next, /marker=/);
  const next = (await call(t.app, token, "GET", `/image${page.next}`)).json();
  assert.deepEqual(
    next.images.map((i: { name: string }) => i.name),
    ["c", "d"],
  );
  assert.equal(next.next, undefined);
  for (const query of [
    "limit=x",
    "sort_key=foo",
    "sort_dir=up",
    "visibility=x",
    "marker=nope",
    "created_at=foo:2020",
    "protected=maybe",
  ])
    assert.equal((await call(t.app, token, "GET", `/image/v2/images?${query}`)).statusCode, 400, query);
  assert.equal(made.length, 4);
});

async function projectOf(token: string): Promise<string> {
  const res = await t.app.inject({
    method: "GET",
    url: "/identity/v3/auth/tokens",
    headers: { accept: "application/json", "x-auth-token": t.adminToken, "x-subject-token": token },
  });
  return res.json().token.project.id;
}

async function eventTypes(id: string): Promise<string[]> {
  const rows = await t.ctx.db
    .as<{ events: { seq: number; type: string; resource_id: string | null } }>()
    .selectFrom("events")
    .select("type")
    .where("resource_id", "=", id)
    .orderBy("seq")
    .execute();
  return rows.map((r) => r.type);
}

test("errors are webob's, as Accept asks: JSON, HTML for no preference (glanceclient), plain text", async () => {
  const url = "/image/v2/images/00000000-0000-4000-8000-000000000000";
  const ask = (accept?: string) =>
    t.app.inject({
      method: "GET",
      url,
      headers: { "x-auth-token": alice, ...(accept === undefined ? {} : { accept }) },
    });
  const json = await ask("application/json");
  assert.equal(json.statusCode, 404);
  assert.equal(json.json<{ code: string }>().code, "404 Not Found");
  const html = await ask();
  assert.match(String(html.headers["content-type"]), /^text\/html/);
  assert.match(html.body, /<h1>404 Not Found<\/h1>\n {2}No image found with ID 0{8}-/);
  const plain = await ask("text/plain");
  assert.match(String(plain.headers["content-type"]), /^text\/plain/);
  assert.match(plain.body, /^404 Not Found\n\nNo image found with ID /);
  assert.match(String((await ask("text/html;q=0.5, application/json")).headers["content-type"]), /json/);
});

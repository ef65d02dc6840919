import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";

let t: TestApp;
let alice = "";
let bob = "";
let aliceProject = "";

const NS = "/image/v2/metadefs/namespaces";
const admin = (method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: unknown) =>
  call(t.app, t.adminToken, method, url, body);

before(async () => {
  t = await startTestApp();
  alice = await userInNewProject(t, "alice");
  bob = await userInNewProject(t, "bob");
  const projects = (await call(t.app, t.adminToken, "GET", "/identity/v3/projects?name=alice")).json();
  aliceProject = projects.projects[0].id;
});
after(() => t.close());

test("seeded catalog: resource types and public, protected namespaces", async () => {
  const types = (await call(t.app, alice, "GET", "/image/v2/metadefs/resource_types")).json().resource_types;
  const names = types.map((r: { name: string }) => r.name);
  for (const name of ["OS::Glance::Image", "OS::Cinder::Volume", "OS::Nova::Flavor", "OS::Nova::Server"])
    assert.ok(names.includes(name), name);
  const list = (await call(t.app, alice, "GET", NS)).json();
  const seeded = list.namespaces.map((n: { namespace: string }) => n.namespace);
  for (const name of [
    "OS::Compute::CPUHints",
    "OS::Compute::Watchdog",
    "OS::OperatingSystem",
    "OS::Compute::MemoryHints",
  ])
    assert.ok(seeded.includes(name), name);
  assert.equal(list.schema, "/v2/schemas/metadefs/namespaces");
  const cpu = (await call(t.app, alice, "GET", `${NS}/OS::Compute::CPUHints`)).json();
  assert.equal(cpu.visibility, "public");
  assert.equal(cpu.protected, true);
  assert.deepEqual(cpu.properties.cpu_policy.enum, ["dedicated", "shared"]);
  assert.ok(
    cpu.resource_type_associations.some(
      (a: { name: string; prefix: string }) => a.name === "OS::Nova::Flavor" && a.prefix === "hw:",
    ),
  );
  const watchdog = (
    await call(t.app, alice, "GET", `${NS}/OS::Compute::Watchdog/properties/watchdog_action`)
  ).json();
  assert.ok(watchdog.enum.includes("poweroff"));
  const byType = (await call(t.app, alice, "GET", `${NS}?resource_types=OS::Cinder::Volume`)).json();
  assert.deepEqual(
    byType.namespaces.map((n: { namespace: string }) => n.namespace),
    ["OS::OperatingSystem"],
  );
  const refused = await admin("DELETE", `${NS}/OS::OperatingSystem`);
  assert.equal(refused.statusCode, 403);
  assert.match(refused.json().message, /protected/);
  assert.equal(refused.json().code, "403 Forbidden");
});

test("namespaces: create, duplicate, show, update, admin-only, delete", async () => {
  assert.equal((await call(t.app, null, "GET", NS)).statusCode, 401);
  assert.equal((await call(t.app, alice, "POST", NS, { namespace: "Mine" })).statusCode, 403);
  const created = await admin("POST", NS, {
    namespace: "Test::One",
    display_name: "One",
    visibility: "public",
  });
  assert.equal(created.statusCode, 201);
  const body = created.json();
  assert.equal(body.self, "/v2/metadefs/namespaces/Test::One");
  assert.equal(body.schema, "/v2/schemas/metadefs/namespace");
  assert.equal(body.protected, false);
  assert.equal((await admin("POST", NS, { namespace: "Test::One" })).statusCode, 409);
  assert.equal((await admin("POST", NS, { namespace: "" })).statusCode, 400);
  assert.equal((await admin("POST", NS, { namespace: "X", visibility: "shared" })).statusCode, 400);
  const updated = await admin("PUT", `${NS}/Test::One`, { namespace: "Test::Renamed", description: "d" });
  assert.equal(updated.statusCode, 200);
  assert.equal(updated.json().description, "d");
  assert.equal(updated.json().display_name, "One");
  assert.equal((await admin("GET", `${NS}/Test::One`)).statusCode, 404);
  assert.equal((await call(t.app, alice, "PUT", `${NS}/Test::Renamed`, { namespace: "Z" })).statusCode, 403);
  assert.equal((await call(t.app, alice, "DELETE", `${NS}/Test::Renamed`)).statusCode, 403);
  assert.equal(
    (await admin("PUT", `${NS}/Test::Renamed`, { namespace: "OS::OperatingSystem" })).statusCode,
    409,
  );
  assert.equal((await admin("DELETE", `${NS}/Test::Renamed`)).statusCode, 204);
  const gone = await admin("GET", `${NS}/Test::Renamed`);
  assert.equal(gone.statusCode, 404);
  assert.equal(gone.json().message, "Metadata definition namespace=Test::Renamed was not found.");
  const events = await t.ctx.db
    .as<{ events: { type: string } }>()
    .selectFrom("events")
    .select("type")
    .execute();
  for (const type of ["metadef_namespace.create", "metadef_namespace.update", "metadef_namespace.delete"])
    assert.ok(
      events.some((e) => e.type === type),
      type,
    );
});

test("private namespaces: owner and admin see them, other projects get 404", async () => {
  const res = await admin("POST", NS, {
    namespace: "Alice::Private",
    owner: aliceProject,
    tags: [{ name: "t1" }],
  });
  assert.equal(res.statusCode, 201);
  assert.equal(res.json().visibility, "private");
  assert.equal((await call(t.app, alice, "GET", `${NS}/Alice::Private`)).json().owner, aliceProject);
  assert.equal((await call(t.app, bob, "GET", `${NS}/Alice::Private`)).statusCode, 404);
  assert.equal((await call(t.app, bob, "GET", `${NS}/Alice::Private/tags`)).statusCode, 404);
  assert.equal((await call(t.app, bob, "POST", `${NS}/Alice::Private/tags/x`)).statusCode, 404);
  const names = async (token: string) =>
    (await call(t.app, token, "GET", NS)).json().namespaces.map((n: { namespace: string }) => n.namespace);
  assert.ok((await names(alice)).includes("Alice::Private"));
  assert.ok(!(await names(bob)).includes("Alice::Private"));
  assert.ok((await names(t.adminToken)).includes("Alice::Private"));
  const pub = (await call(t.app, bob, "GET", `${NS}?visibility=private`)).json().namespaces;
  assert.deepEqual(pub, []);
  // Paging: limit and marker, with a next link.
  const page = (await call(t.app, alice, "GET", `${NS}?limit=2&sort_key=namespace&sort_dir=asc`)).json();
  assert.equal(page.namespaces.length, 2);
  assert.ok(page.next.includes("marker="));
  assert.equal((await call(t.app, alice, "GET", `${NS}?sort_key=bogus`)).statusCode, 400);
});

test("objects: create, list, show, update, delete, 404 and 409", async () => {
  await admin("POST", NS, { namespace: "Obj", visibility: "public" });
  const object = {
    name: "CPU Limits",
    description: "quota",
    required: ["cpu_period"],
    properties: { cpu_period: { title: "Period", type: "integer", minimum: 1000 } },
  };
  const created = await admin("POST", `${NS}/Obj/objects`, object);
  assert.equal(created.statusCode, 201);
  assert.equal(created.json().schema, "/v2/schemas/metadefs/object");
  assert.deepEqual(created.json().properties, object.properties);
  assert.equal((await admin("POST", `${NS}/Obj/objects`, object)).statusCode, 409);
  assert.equal((await call(t.app, alice, "POST", `${NS}/Obj/objects`, { name: "x" })).statusCode, 403);
  assert.equal(
    (await admin("POST", `${NS}/Obj/objects`, { name: "bad", properties: { p: { type: "x" } } })).statusCode,
    400,
  );
  const list = (await call(t.app, alice, "GET", `${NS}/Obj/objects`)).json();
  assert.equal(list.objects.length, 1);
  assert.equal(
    (await call(t.app, alice, "GET", `${NS}/Obj/objects/CPU Limits`)).json().required[0],
    "cpu_period",
  );
  const updated = await admin("PUT", `${NS}/Obj/objects/CPU Limits`, { name: "Limits", description: "new" });
  assert.equal(updated.statusCode, 200);
  assert.equal(updated.json().description, "new");
  const missing = await call(t.app, alice, "GET", `${NS}/Obj/objects/CPU Limits`);
  assert.equal(missing.statusCode, 404);
  assert.match(missing.json().message, /object with name=CPU Limits was not found in namespace=Obj/);
  assert.equal((await admin("DELETE", `${NS}/Obj/objects/Limits`)).statusCode, 204);
  assert.equal((await admin("DELETE", `${NS}/Obj/objects/Limits`)).statusCode, 404);
  await admin("POST", `${NS}/Obj/objects`, { name: "a" });
  assert.equal((await admin("DELETE", `${NS}/Obj/objects`)).statusCode, 204);
  assert.deepEqual((await admin("GET", `${NS}/Obj/objects`)).json().objects, []);
  assert.equal((await admin("GET", `${NS}/Nope/objects`)).statusCode, 404);
});

test("properties: map listing, create, show, update, delete, validation", async () => {
  await admin("POST", NS, { namespace: "Prop", visibility: "public" });
  const prop = {
    name: "hypervisor",
    title: "Hypervisor",
    type: "string",
    enum: ["kvm", "qemu"],
    default: "kvm",
  };
  const created = await admin("POST", `${NS}/Prop/properties`, prop);
  assert.equal(created.statusCode, 201);
  assert.deepEqual(created.json(), prop);
  assert.equal((await admin("POST", `${NS}/Prop/properties`, prop)).statusCode, 409);
  assert.equal(
    (await admin("POST", `${NS}/Prop/properties`, { ...prop, name: "n", type: "float" })).statusCode,
    400,
  );
  assert.equal((await admin("POST", `${NS}/Prop/properties`, { name: "n", type: "string" })).statusCode, 400);
  assert.equal(
    (await call(t.app, bob, "POST", `${NS}/Prop/properties`, { ...prop, name: "b" })).statusCode,
    403,
  );
  const list = (await call(t.app, bob, "GET", `${NS}/Prop/properties`)).json();
  assert.deepEqual(list, {
    properties: {
      hypervisor: { title: "Hypervisor", type: "string", enum: ["kvm", "qemu"], default: "kvm" },
    },
  });
  assert.equal((await call(t.app, bob, "GET", `${NS}/Prop/properties/hypervisor`)).json().default, "kvm");
  const updated = await admin("PUT", `${NS}/Prop/properties/hypervisor`, {
    name: "hv",
    title: "HV",
    type: "integer",
    minimum: 1,
  });
  assert.equal(updated.statusCode, 200);
  assert.equal(updated.json().minimum, 1);
  assert.equal((await admin("GET", `${NS}/Prop/properties/hypervisor`)).statusCode, 404);
  assert.equal((await admin("DELETE", `${NS}/Prop/properties/hv`)).statusCode, 204);
  assert.equal((await admin("DELETE", `${NS}/Prop/properties/hv`)).statusCode, 404);
  assert.equal((await admin("DELETE", `${NS}/Prop/properties`)).statusCode, 204);
});

test("tags: one, many (replace and append), rename, delete", async () => {
  await admin("POST", NS, { namespace: "Tag", visibility: "public" });
  const one = await admin("POST", `${NS}/Tag/tags/ssd`);
  assert.equal(one.statusCode, 201);
  assert.equal(one.json().name, "ssd");
  assert.equal((await admin("POST", `${NS}/Tag/tags/ssd`)).statusCode, 409);
  assert.equal((await call(t.app, alice, "POST", `${NS}/Tag/tags/x`)).statusCode, 403);
  const many = await admin("POST", `${NS}/Tag/tags`, { tags: [{ name: "a" }, { name: "b" }] });
  assert.equal(many.statusCode, 201);
  assert.deepEqual(many.json(), { tags: [{ name: "a" }, { name: "b" }] });
  const names = async () =>
    (await call(t.app, alice, "GET", `${NS}/Tag/tags`)).json().tags.map((x: { name: string }) => x.name);
  assert.deepEqual(await names(), ["a", "b"]);
  const appended = await t.app.inject({
    method: "POST",
    url: `${NS}/Tag/tags`,
    headers: { accept: "application/json", "x-auth-token": t.adminToken, "x-openstack-append": "true" },
    payload: { tags: [{ name: "c" }] },
  });
  assert.equal(appended.statusCode, 201);
  assert.deepEqual(await names(), ["a", "b", "c"]);
  assert.equal(
    (await admin("POST", `${NS}/Tag/tags`, { tags: [{ name: "d" }, { name: "d" }] })).statusCode,
    409,
  );
  assert.deepEqual(await names(), ["a", "b", "c"]);
  assert.equal((await admin("PUT", `${NS}/Tag/tags/a`, { name: "z" })).json().name, "z");
  assert.equal((await admin("PUT", `${NS}/Tag/tags/b`, { name: "z" })).statusCode, 409);
  assert.equal((await admin("GET", `${NS}/Tag/tags/z`)).statusCode, 200);
  assert.equal((await admin("GET", `${NS}/Tag/tags/a`)).statusCode, 404);
  assert.equal((await admin("DELETE", `${NS}/Tag/tags/z`)).statusCode, 204);
  assert.equal((await admin("DELETE", `${NS}/Tag/tags/z`)).statusCode, 404);
  assert.equal((await admin("DELETE", `${NS}/Tag/tags`)).statusCode, 204);
  assert.deepEqual(await names(), []);
});

test("resource type associations: list, associate, 404 and 409, dissociate", async () => {
  await admin("POST", NS, { namespace: "Rt", visibility: "public" });
  const res = await admin("POST", `${NS}/Rt/resource_types`, { name: "OS::Nova::Server", prefix: "x_" });
  assert.equal(res.statusCode, 201);
  assert.equal(res.json().prefix, "x_");
  assert.equal(
    (await admin("POST", `${NS}/Rt/resource_types`, { name: "OS::Nova::Server" })).statusCode,
    409,
  );
  assert.equal((await admin("POST", `${NS}/Rt/resource_types`, { name: "OS::Nope" })).statusCode, 404);
  assert.equal(
    (await call(t.app, alice, "POST", `${NS}/Rt/resource_types`, { name: "OS::Nova::Flavor" })).statusCode,
    403,
  );
  const list = (await call(t.app, alice, "GET", `${NS}/Rt/resource_types`)).json();
  assert.equal(list.resource_type_associations[0].name, "OS::Nova::Server");
  assert.equal((await admin("GET", `${NS}/Rt`)).json().resource_type_associations.length, 1);
  assert.equal((await admin("DELETE", `${NS}/Rt/resource_types/OS::Nova::Server`)).statusCode, 204);
  assert.equal((await admin("DELETE", `${NS}/Rt/resource_types/OS::Nova::Server`)).statusCode, 404);
});

test("schemas", async () => {
  for (const name of [
    "namespace",
    "namespaces",
    "object",
    "objects",
    "property",
    "properties",
    "tag",
    "tags",
    "resource_type",
    "resource_types",
  ]) {
    const res = await call(t.app, alice, "GET", `/image/v2/schemas/metadefs/${name}`);
    assert.equal(res.statusCode, 200, name);
    assert.ok(typeof res.json().name === "string", name);
  }
  assert.equal((await call(t.app, alice, "GET", "/image/v2/schemas/metadefs/bogus")).statusCode, 404);
});

import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect, type AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { DEFAULT_IMPORT_FILTER, importFilterConfig } from "../../src/image/import/filter.ts";
import { recoverStaging } from "../../src/image/import/stage.ts";
import { download, uriAllowed, UriRefused } from "../../src/image/import/web-download.ts";
import { createStores } from "../../src/image/stores/index.ts";
import type { ImageTables } from "../../src/image/tables.ts";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";

let t: TestApp;
let alice = "";
let bob = "";
let server: Server;
let base = "";
const payload = randomBytes(50_000);

before(async () => {
  // The local server is allowed by name (127.0.0.1, any port); everything else is as by default.
  const filter = { allowHosts: ["127.0.0.1"], denyHosts: [], allowPorts: [], denyPorts: [] };
  t = await startTestApp({
    config: {
      imageSizeCap: 200_000,
      imageStores: [
        { id: "file", type: "file" },
        { id: "fast", type: "file" },
      ],
      imageImportFilter: filter,
    },
  });
  alice = await userInNewProject(t, "alice");
  bob = await userInNewProject(t, "bob");
  server = createServer((req, res) => {
    if (req.url === "/image.raw") return res.end(payload);
    if (req.url === "/big.raw") return res.end(Buffer.alloc(300_000));
    if (req.url === "/to-loopback") {
      const { port } = server.address() as AddressInfo;
      res.writeHead(302, { location: `http://localhost:${port}/image.raw` });
      return res.end();
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.close();
  await t.close();
});

const img = (id: string, rest = "") => `/image/v2/images/${id}${rest}`;
const db = () => t.ctx.db.as<ImageTables>();
const stagingDir = () => join(t.ctx.config.dataDir, "staging");
const md5 = (data: Buffer) => createHash("md5").update(data).digest("hex");

async function newImage(token = alice): Promise<string> {
  const res = await call(t.app, token, "POST", "/image/v2/images", {
    disk_format: "raw",
    container_format: "bare",
  });
  return res.json<{ id: string }>().id;
}
const show = async (id: string, token = alice) => (await call(t.app, token, "GET", img(id))).json();
const stage = (id: string, data: Buffer, token = alice, type = "application/octet-stream") =>
  t.app.inject({
    method: "PUT",
    url: img(id, "/stage"),
    headers: { accept: "application/json", "x-auth-token": token, "content-type": type },
    payload: data,
  });
const startImport = (id: string, body: unknown, token = alice) =>
  call(t.app, token, "POST", img(id, "/import"), body);

/** Waits until the image's import task has ended; returns the task. */
async function settled(id: string, token = alice): Promise<Record<string, unknown>> {
  for (let i = 0; i < 400; i++) {
    const tasks = (await call(t.app, token, "GET", img(id, "/tasks"))).json<{
      tasks: Record<string, unknown>[];
    }>().tasks;
    const task = tasks[0];
    if (task !== undefined && (task.status === "success" || task.status === "failure")) return task;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`the import of ${id} did not end`);
}
const storesOf = async (id: string) =>
  (await db().selectFrom("image_locations").select("store").where("image_id", "=", id).execute())
    .map((r) => r.store)
    .sort();

test("GET /v2/info/import lists the three methods", async () => {
  const res = await call(t.app, alice, "GET", "/image/v2/info/import");
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json()["import-methods"].value, ["glance-direct", "web-download", "copy-image"]);
  assert.equal(res.json()["import-methods"].type, "array");
});

test("stage then glance-direct: uploading, importing, active with hashes; staged data removed", async () => {
  const id = await newImage();
  const staged = await stage(id, payload);
  assert.equal(staged.statusCode, 204, staged.body);
  assert.equal((await show(id)).status, "uploading");
  assert.ok(existsSync(join(stagingDir(), id)));
  const res = await startImport(id, { method: { name: "glance-direct" } });
  assert.equal(res.statusCode, 202, res.body);
  const task = await settled(id);
  assert.equal(task.status, "success", String(task.message));
  assert.equal(task.type, "api_image_import");
  assert.equal(task.request_id, res.headers["x-openstack-request-id"]);
  const shown = await show(id);
  assert.equal(shown.status, "active");
  assert.equal(shown.size, payload.length);
  assert.equal(shown.checksum, md5(payload));
  assert.equal(shown.os_hash_value, createHash("sha512").update(payload).digest("hex"));
  assert.equal(shown.os_glance_import_task, undefined, "the import lock is dropped");
  assert.equal(shown.os_glance_importing_to_stores, "");
  assert.equal(shown.os_glance_failed_import, "");
  assert.deepEqual(await storesOf(id), ["file"]);
  assert.ok(!existsSync(join(stagingDir(), id)));
  const data = await call(t.app, alice, "GET", img(id, "/file"));
  assert.ok(data.rawPayload.equals(payload));
});

test("staging errors: wrong state 409, JSON 415, over the cap 413 (back to queued), others 404", async () => {
  const id = await newImage();
  assert.equal((await stage(id, Buffer.from("{}"), alice, "application/json")).statusCode, 415);
  assert.equal((await stage(id, payload, bob)).statusCode, 404);
  const big = await stage(id, Buffer.alloc(250_000));
  assert.equal(big.statusCode, 413);
  assert.equal((await show(id)).status, "queued");
  assert.ok(!existsSync(join(stagingDir(), id)) && !existsSync(join(stagingDir(), `${id}.part`)));
  assert.equal((await stage(id, payload)).statusCode, 204);
  const again = await stage(id, payload);
  assert.equal(again.statusCode, 409);
  assert.match(again.json().message, /transition from uploading to uploading/);
});

test("a client gone mid-stage leaves the image queued and nothing staged", async () => {
  const id = await newImage();
  const { port } = new URL(await t.app.listen({ port: 0, host: "127.0.0.1" }));
  const socket = connect(Number(port), "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.write(
    `PUT /image/v2/images/${id}/stage HTTP/1.1\r\nHost: x\r\nX-Auth-Token: ${alice}\r\n` +
      "Content-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n",
  );
  socket.write(randomBytes(30_000));
  for (let i = 0; i < 100 && (await show(id)).status !== "uploading"; i++)
    await new Promise((r) => setTimeout(r, 10));
  assert.equal((await show(id)).status, "uploading");
  socket.destroy();
  for (let i = 0; i < 200 && (await show(id)).status === "uploading"; i++)
    await new Promise((r) => setTimeout(r, 10));
  assert.equal((await show(id)).status, "queued");
  const leftovers = existsSync(stagingDir()) ? readdirSync(stagingDir()).filter((n) => n.startsWith(id)) : [];
  assert.deepEqual(leftovers, []);
});

test("import request errors: method, state, store, ownership, reserved properties", async () => {
  const id = await newImage();
  const bad = await startImport(id, { method: { name: "ftp-pull" } });
  assert.equal(bad.statusCode, 400);
  const unstaged = await startImport(id, { method: { name: "glance-direct" } });
  assert.equal(unstaged.statusCode, 409);
  assert.match(unstaged.json().message, /needs to be staged/);
  assert.equal((await startImport(id, { method: { name: "glance-direct" } }, bob)).statusCode, 404);
  const unknown = await startImport(id, {
    method: { name: "web-download", uri: `${base}/image.raw` },
    stores: ["nope"],
  });
  assert.equal(unknown.statusCode, 400);
  const both = await startImport(id, {
    method: { name: "web-download", uri: `${base}/image.raw` },
    stores: ["file"],
    all_stores: true,
  });
  assert.equal(both.statusCode, 400);
  assert.equal((await show(id)).status, "queued", "a refused request changes nothing");
  const reserved = await call(t.app, alice, "POST", "/image/v2/images", { os_glance_import_task: "x" });
  assert.equal(reserved.statusCode, 403);
});

test("web-download from an allowed host into every store", async () => {
  const id = await newImage();
  const res = await startImport(id, {
    method: { name: "web-download", uri: `${base}/image.raw` },
    all_stores: true,
  });
  assert.equal(res.statusCode, 202, res.body);
  const task = await settled(id);
  assert.equal(task.status, "success", String(task.message));
  const shown = await show(id);
  assert.equal(shown.status, "active");
  assert.equal(shown.checksum, md5(payload));
  assert.deepEqual(await storesOf(id), ["fast", "file"]);
  assert.equal(
    (await startImport(id, { method: { name: "web-download", uri: `${base}/image.raw` } })).statusCode,
    409,
  );
});

test("web-download refuses loopback, private, link-local and unspecified addresses (400, image unchanged)", async () => {
  const id = await newImage();
  const { port } = server.address() as AddressInfo;
  for (const uri of [
    `http://localhost:${port}/image.raw`,
    "http://10.1.2.3/image.raw",
    "http://192.168.1.1/image.raw",
    "http://169.254.169.254/latest/meta-data",
    "http://[::1]/image.raw",
    "http://[fe80::1]/image.raw",
    "http://0.0.0.0/image.raw",
    "ftp://127.0.0.1/image.raw",
  ]) {
    const res = await startImport(id, { method: { name: "web-download", uri } });
    assert.equal(res.statusCode, 400, uri);
    assert.equal(res.json().message, `URI for web-download does not pass filtering: ${uri}`);
  }
  assert.equal((await show(id)).status, "queued");
});

test("by default (no allow list) loopback, private and link-local hosts and other ports are refused", async () => {
  const refused = [
    "http://127.0.0.1/x",
    "http://localhost/x",
    "http://10.0.0.1/x",
    "http://172.16.5.4/x",
    "http://169.254.169.254/x",
    "http://[fc00::1]/x",
    "http://[::ffff:127.0.0.1]/x",
    "http://224.0.0.1/x",
    "http://8.8.8.8:8080/x",
  ];
  for (const uri of refused) assert.equal(await uriAllowed(uri, DEFAULT_IMPORT_FILTER), false, uri);
  assert.equal(await uriAllowed("http://8.8.8.8/x", DEFAULT_IMPORT_FILTER), true);
  assert.equal(await uriAllowed("https://[2001:db8::1]/x", DEFAULT_IMPORT_FILTER), true);
  const denied = { ...DEFAULT_IMPORT_FILTER, denyHosts: ["8.8.8.8"] };
  assert.equal(await uriAllowed("http://8.8.8.8/x", denied), false);
});

test("a redirect to loopback fails the task; the image returns to queued with the failed store", async () => {
  const id = await newImage();
  assert.equal(
    (await startImport(id, { method: { name: "web-download", uri: `${base}/to-loopback` } })).statusCode,
    202,
  );
  const task = await settled(id);
  assert.equal(task.status, "failure");
  assert.match(String(task.message), /does not pass filtering: http:\/\/localhost:/);
  const shown = await show(id);
  assert.equal(shown.status, "queued");
  assert.equal(shown.os_glance_failed_import, "file");
  assert.equal(shown.os_glance_import_task, undefined);
  assert.deepEqual(await storesOf(id), []);
});

test("web-download over the size cap fails the task", async () => {
  const id = await newImage();
  assert.equal(
    (await startImport(id, { method: { name: "web-download", uri: `${base}/big.raw` } })).statusCode,
    202,
  );
  const task = await settled(id);
  assert.equal(task.status, "failure");
  assert.match(String(task.message), /too large/);
  assert.equal((await show(id)).status, "queued");
});

test("all_stores_must_succeed: one broken store fails all (true) or is listed (false)", async () => {
  const fastDir = join(t.ctx.config.dataDir, "images-fast");
  const aside = `${fastDir}.aside`;
  if (existsSync(fastDir)) renameSync(fastDir, aside);
  writeFileSync(fastDir, "not a directory");
  try {
    const strict = await newImage();
    await stage(strict, payload);
    const res = await startImport(strict, { method: { name: "glance-direct" }, stores: ["file", "fast"] });
    assert.equal(res.statusCode, 202);
    assert.equal((await settled(strict)).status, "failure");
    const shown = await show(strict);
    assert.equal(shown.status, "queued");
    assert.equal(shown.os_glance_failed_import, "file,fast");
    assert.deepEqual(await storesOf(strict), [], "the bytes written to file are removed");

    const lenient = await newImage();
    await stage(lenient, payload);
    await startImport(lenient, {
      method: { name: "glance-direct" },
      stores: ["file", "fast"],
      all_stores_must_succeed: false,
    });
    assert.equal((await settled(lenient)).status, "success");
    const active = await show(lenient);
    assert.equal(active.status, "active");
    assert.equal(active.os_glance_failed_import, "fast");
    assert.deepEqual(await storesOf(lenient), ["file"]);
  } finally {
    rmSync(fastDir, { force: true });
    if (existsSync(aside)) renameSync(aside, fastDir);
    else mkdirSync(fastDir, { recursive: true });
  }
});

test("copy-image: admin copies an active image to another store; errors otherwise", async () => {
  const id = await newImage();
  const upload = await t.app.inject({
    method: "PUT",
    url: img(id, "/file"),
    headers: {
      accept: "application/json",
      "x-auth-token": alice,
      "content-type": "application/octet-stream",
    },
    payload,
  });
  assert.equal(upload.statusCode, 204);
  assert.equal((await startImport(id, { method: { name: "copy-image" }, stores: ["fast"] })).statusCode, 403);
  const res = await startImport(id, { method: { name: "copy-image" }, stores: ["fast"] }, t.adminToken);
  assert.equal(res.statusCode, 202, res.body);
  const task = await settled(id, t.adminToken);
  assert.equal(task.status, "success", String(task.message));
  assert.deepEqual(await storesOf(id), ["fast", "file"]);
  assert.equal((await show(id)).status, "active");
  const again = await startImport(id, { method: { name: "copy-image" }, stores: ["fast"] }, t.adminToken);
  assert.equal(again.statusCode, 409);
  const queued = await newImage();
  assert.equal(
    (await startImport(queued, { method: { name: "copy-image" }, all_stores: true }, t.adminToken))
      .statusCode,
    409,
  );
});

test("start-up: partial and orphaned staged files go; uploading without staged data returns to queued", async () => {
  const waiting = await newImage();
  assert.equal((await stage(waiting, payload)).statusCode, 204);
  const lost = await newImage();
  await db().updateTable("images").set({ status: "uploading" }).where("id", "=", lost).execute();
  const orphan = "0b5f9b8e-0000-4000-8000-000000000001";
  writeFileSync(join(stagingDir(), orphan), "deleted image's data");
  writeFileSync(join(stagingDir(), `${waiting}.part`), "partial");
  await recoverStaging({
    db: t.ctx.db,
    events: t.ctx.events,
    clock: t.clock,
    stores: createStores(t.ctx.config.dataDir),
    sizeCap: 1,
    propertyQuota: 1,
    scrubTime: 0,
    importing: { dataDir: t.ctx.config.dataDir, filter: DEFAULT_IMPORT_FILTER },
  });
  assert.equal((await show(lost)).status, "queued");
  assert.equal((await show(waiting)).status, "uploading");
  const left = readdirSync(stagingDir());
  assert.ok(left.includes(waiting), "a waiting image keeps its staged data");
  assert.ok(!left.includes(orphan) && !left.includes(`${waiting}.part`), left.join(", "));
});

test("the download checks the address it connects to: a name resolving to loopback is refused", async () => {
  const { port } = server.address() as AddressInfo;
  const open = { allowHosts: [], denyHosts: [], allowPorts: [], denyPorts: [] };
  const signal = new AbortController().signal;
  await assert.rejects(download(`http://localhost:${port}/image.raw`, open, signal), UriRefused);
  // Named in the allow list, the same host is fetched.
  const allowed = await download(
    `http://localhost:${port}/image.raw`,
    { ...open, allowHosts: ["localhost"] },
    signal,
  );
  const chunks: Buffer[] = [];
  for await (const chunk of allowed) chunks.push(chunk as Buffer);
  assert.ok(Buffer.concat(chunks).equals(payload));
});

test("glance-direct checks the data against disk_format, as an upload does", async () => {
  const created = await call(t.app, alice, "POST", "/image/v2/images", {
    disk_format: "qcow2",
    container_format: "bare",
  });
  const id = created.json<{ id: string }>().id;
  assert.equal((await stage(id, payload)).statusCode, 204);
  assert.equal((await startImport(id, { method: { name: "glance-direct" } })).statusCode, 202);
  const task = await settled(id);
  assert.equal(task.status, "failure");
  assert.match(String(task.message), /does not match disk_format qcow2/);
  assert.equal((await show(id)).status, "queued");
  assert.deepEqual(await storesOf(id), []);
});

test("STRATUS_IMAGE_IMPORT_*: Glance's defaults (ports 80 and 443), lists, an empty port list for any", () => {
  assert.deepEqual(importFilterConfig({}), DEFAULT_IMPORT_FILTER);
  const set = importFilterConfig({
    STRATUS_IMAGE_IMPORT_ALLOW_HOSTS: "Mirror.example.com, 10.0.0.5",
    STRATUS_IMAGE_IMPORT_DENY_HOSTS: "bad.example.com",
    STRATUS_IMAGE_IMPORT_ALLOW_PORTS: "",
    STRATUS_IMAGE_IMPORT_DENY_PORTS: "22",
  });
  assert.deepEqual(set, {
    allowHosts: ["mirror.example.com", "10.0.0.5"],
    denyHosts: ["bad.example.com"],
    allowPorts: [],
    denyPorts: [22],
  });
  assert.throws(() => importFilterConfig({ STRATUS_IMAGE_IMPORT_ALLOW_PORTS: "http" }), /ports/);
});

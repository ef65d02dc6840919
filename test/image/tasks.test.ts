import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { FastifyInstance } from "fastify";
import { buildApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createContext, type AppContext } from "../../src/context.ts";
import { bootstrapIdentity } from "../../src/identity/bootstrap.ts";
import { FakeClock } from "../../src/lib/clock.ts";
import { serviceCatalog } from "../../src/services.ts";
import {
  ADMIN_PASSWORD,
  call,
  passwordToken,
  startTestApp,
  userInNewProject,
  type TestApp,
} from "../helpers/app.ts";
import { testDbUrl } from "../helpers/db.ts";

const LOCAL = { allowHosts: ["127.0.0.1"], denyHosts: [], allowPorts: [], denyPorts: [] };
const payload = randomBytes(40_000);
const md5 = (data: Buffer) => createHash("md5").update(data).digest("hex");

let t: TestApp;
let alice = "";
let bob = "";
let server: Server;
let base = "";
/** While set, /slow sends half the payload and then holds the response open. */
let stalling = true;
const held: ServerResponse[] = [];

before(async () => {
  t = await startTestApp({
    config: {
      imageImportFilter: LOCAL,
      imageStores: [
        { id: "file", type: "file" },
        { id: "fast", type: "file" },
      ],
    },
  });
  alice = await userInNewProject(t, "alice");
  bob = await userInNewProject(t, "bob");
  server = createServer((req, res) => {
    if (req.url === "/image.raw") return res.end(payload);
    if (req.url === "/slow") {
      if (!stalling) return res.end(payload);
      res.writeHead(200, { "content-length": payload.length });
      res.write(payload.subarray(0, 20_000));
      held.push(res);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  for (const res of held) res.destroy();
  server.close();
  await t.close();
});

const show = async (app: FastifyInstance, token: string, id: string) =>
  (await call(app, token, "GET", `/image/v2/images/${id}`)).json();

async function activeImage(token = alice, body: Record<string, unknown> = {}): Promise<string> {
  const created = await call(t.app, token, "POST", "/image/v2/images", {
    disk_format: "raw",
    container_format: "bare",
    ...body,
  });
  const id = created.json<{ id: string }>().id;
  const res = await t.app.inject({
    method: "PUT",
    url: `/image/v2/images/${id}/file`,
    headers: {
      accept: "application/json",
      "x-auth-token": token,
      "content-type": "application/octet-stream",
    },
    payload,
  });
  assert.equal(res.statusCode, 204);
  return id;
}

/** Waits for a task to reach `until` (by default: to end). */
async function waitTask(
  app: FastifyInstance,
  token: string,
  id: string,
  until: (status: string) => boolean = (s) => s === "success" || s === "failure",
): Promise<Record<string, unknown>> {
  for (let i = 0; i < 400; i++) {
    const task = (await call(app, token, "GET", `/image/v2/tasks/${id}`)).json<Record<string, unknown>>();
    if (until(String(task.status))) return task;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`task ${id} did not get there`);
}

const createTask = (body: unknown, token = alice) => call(t.app, token, "POST", "/image/v2/tasks", body);

test("the task schemas are served", async () => {
  const task = (await call(t.app, alice, "GET", "/image/v2/schemas/task")).json();
  assert.equal(task.name, "task");
  assert.deepEqual(task.properties.status.enum, ["pending", "processing", "success", "failure"]);
  assert.equal((await call(t.app, alice, "GET", "/image/v2/schemas/tasks")).json().name, "tasks");
});

test("clone: a new image of the caller's with the same bytes, copied server-side", async () => {
  const source = await activeImage(alice, { name: "base", hw_disk_bus: "virtio" });
  const res = await createTask({
    type: "clone",
    input: { image_id: source, image_properties: { name: "copy" } },
  });
  assert.equal(res.statusCode, 201, res.body);
  const created = res.json<Record<string, unknown>>();
  assert.equal(created.status, "pending");
  assert.equal(created.type, "clone");
  assert.equal(res.headers.location, `/v2/tasks/${String(created.id)}`);
  const task = await waitTask(t.app, alice, String(created.id));
  assert.equal(task.status, "success", String(task.message));
  assert.ok(task.expires_at !== null, "an ended task expires");
  const result = task.result as { image_id: string; source_image_id: string };
  assert.equal(result.source_image_id, source);
  assert.equal(task.image_id, result.image_id);
  const clone = await show(t.app, alice, result.image_id);
  assert.equal(clone.status, "active");
  assert.equal(clone.name, "copy");
  assert.equal(clone.hw_disk_bus, "virtio");
  assert.equal(clone.checksum, md5(payload));
  assert.notEqual(clone.id, source);
  const data = await call(t.app, alice, "GET", `/image/v2/images/${result.image_id}/file`);
  assert.ok(data.rawPayload.equals(payload));
  // The clone is its own image: deleting the source keeps it readable.
  assert.equal((await call(t.app, alice, "DELETE", `/image/v2/images/${source}`)).statusCode, 204);
  assert.ok(
    (await call(t.app, alice, "GET", `/image/v2/images/${result.image_id}/file`)).rawPayload.equals(payload),
  );
  // Bob cannot see alice's private image, so cannot clone it.
  const mine = await activeImage(alice, { visibility: "private" });
  assert.equal((await createTask({ type: "clone", input: { image_id: mine } }, bob)).statusCode, 404);
});

test("export: to a file with its metadata, or to a store; admin only, path-safe", async () => {
  const id = await activeImage();
  assert.equal(
    (await createTask({ type: "export", input: { image_id: id, target: "x.raw" } })).statusCode,
    403,
  );
  for (const target of ["../escape", "/etc/passwd", ".hidden", "a/b", ""]) {
    const res = await createTask({ type: "export", input: { image_id: id, target } }, t.adminToken);
    assert.equal(res.statusCode, 400, target);
  }
  const res = await createTask(
    { type: "export", input: { image_id: id, target: "backup.raw" } },
    t.adminToken,
  );
  assert.equal(res.statusCode, 201, res.body);
  const task = await waitTask(t.app, t.adminToken, String(res.json().id));
  assert.equal(task.status, "success", String(task.message));
  const dir = join(t.ctx.config.dataDir, "exports");
  assert.ok(readFileSync(join(dir, "backup.raw")).equals(payload));
  const meta = JSON.parse(readFileSync(join(dir, "backup.raw.json"), "utf8"));
  assert.equal(meta.image.id, id);
  assert.equal(meta.checksum, md5(payload));
  // An existing export is never overwritten.
  const again = await createTask(
    { type: "export", input: { image_id: id, target: "backup.raw" } },
    t.adminToken,
  );
  const failed = await waitTask(t.app, t.adminToken, String(again.json().id));
  assert.equal(failed.status, "failure");
  assert.match(String(failed.message), /already exists/);
  const toStore = await createTask({ type: "export", input: { image_id: id, target: "fast" } }, t.adminToken);
  const stored = await waitTask(t.app, t.adminToken, String(toStore.json().id));
  assert.equal(stored.status, "success", String(stored.message));
  assert.equal((stored.result as { store: string }).store, "fast");
  assert.ok(existsSync(new URL((stored.result as { location: string }).location)));
});

test("legacy import task: makes the image and fills it from the URI; refused URIs are 400", async () => {
  const input = {
    import_from: `${base}/image.raw`,
    import_from_format: "raw",
    image_properties: { name: "legacy" },
  };
  const res = await createTask({ type: "import", input });
  assert.equal(res.statusCode, 201, res.body);
  const task = await waitTask(t.app, alice, String(res.json().id));
  assert.equal(task.status, "success", String(task.message));
  const image = await show(t.app, alice, (task.result as { image_id: string }).image_id);
  assert.equal(image.name, "legacy");
  assert.equal(image.status, "active");
  assert.equal(image.checksum, md5(payload));
  const refused = await createTask({
    type: "import",
    input: { ...input, import_from: "http://169.254.169.254/x" },
  });
  assert.equal(refused.statusCode, 400);
  const missing = await createTask({ type: "import", input: { import_from: `${base}/image.raw` } });
  assert.equal(missing.statusCode, 400);
  assert.equal(missing.json().message, "Input does not contain 'import_from_format' field");
  assert.equal((await createTask({ type: "dance", input: {} })).statusCode, 400);
  assert.equal((await createTask({ type: "clone" })).statusCode, 400);
});

test("listing: own tasks only, filters, sorting, paging; another project's task is 404", async () => {
  const source = await activeImage();
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    t.clock.advance(1000);
    ids.push(String((await createTask({ type: "clone", input: { image_id: source } })).json().id));
  }
  for (const id of ids) await waitTask(t.app, alice, id);
  const list = async (query: string, token = alice) =>
    (await call(t.app, token, "GET", `/image/v2/tasks${query}`)).json<{
      tasks: Record<string, unknown>[];
      next?: string;
    }>();
  const clones = await list("?type=clone&status=success&sort_dir=asc&sort_key=created_at");
  assert.deepEqual(clones.tasks.map((x) => x.id).slice(-3), ids);
  assert.equal(clones.tasks[0]?.input, undefined, "lists leave out input and result");
  const page = await list("?type=clone&limit=2");
  assert.equal(page.tasks.length, 2);
  assert.ok(page.next?.startsWith("/v2/tasks?"));
  const rest = await list(page.next?.slice("/v2/tasks".length) ?? "");
  assert.ok(!rest.tasks.some((x) => page.tasks.some((y) => y.id === x.id)));
  assert.equal((await list("", bob)).tasks.length, 0);
  assert.ok((await list("", t.adminToken)).tasks.length >= 3, "admins see every task");
  assert.equal((await call(t.app, bob, "GET", `/image/v2/tasks/${ids[0]}`)).statusCode, 404);
  assert.equal((await call(t.app, alice, "GET", "/image/v2/tasks?status=done")).statusCode, 400);
  assert.equal((await call(t.app, alice, "GET", "/image/v2/tasks?sort_key=owner")).statusCode, 400);
  const byImage = await call(t.app, alice, "GET", `/image/v2/images/${source}/tasks`);
  assert.equal(byImage.statusCode, 200);
});

/** An app on a given data dir and database, as `stratus serve` builds it. */
async function openApp(dataDir: string, url: string, schema: string | undefined) {
  const config = {
    ...loadConfig(["--data-dir", dataDir, "--db", url]),
    adminPassword: ADMIN_PASSWORD,
    imageImportFilter: LOCAL,
  };
  const clock = new FakeClock(new Date());
  const ctx: AppContext = await createContext(config, { clock, db: schema === undefined ? {} : { schema } });
  await bootstrapIdentity(
    { db: ctx.db, events: ctx.events, clock },
    {
      baseUrl: "http://localhost",
      region: "RegionOne",
      adminPassword: ADMIN_PASSWORD,
      services: serviceCatalog,
    },
    () => ADMIN_PASSWORD,
  );
  const app = await buildApp(ctx);
  const token = await passwordToken(app, "admin", ADMIN_PASSWORD, "admin");
  return { app, ctx, token };
}

test("a task a stopped process left processing runs again after a restart on the same state", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "stratus-tasks-"));
  const pg = process.env.STRATUS_TEST_DB === "postgres" ? await testDbUrl() : undefined;
  const url = pg?.url ?? `sqlite:${join(dataDir, "stratus.db")}`;
  const schema = pg?.options.schema;
  try {
    const first = await openApp(dataDir, url, schema);
    const created = await call(first.app, first.token, "POST", "/image/v2/images", {
      disk_format: "raw",
      container_format: "bare",
    });
    const imageId = created.json<{ id: string }>().id;
    const started = await call(first.app, first.token, "POST", `/image/v2/images/${imageId}/import`, {
      method: { name: "web-download", uri: `${base}/slow` },
    });
    assert.equal(started.statusCode, 202, started.body);
    const taskId = String((await show(first.app, first.token, imageId)).os_glance_import_task);
    await waitTask(first.app, first.token, taskId, (s) => s === "processing");
    for (let i = 0; i < 200 && held.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await first.app.close();
    await first.ctx.close();

    stalling = false;
    const second = await openApp(dataDir, url, schema);
    try {
      const task = await waitTask(second.app, second.token, taskId);
      assert.equal(task.status, "success", String(task.message));
      const image = await show(second.app, second.token, imageId);
      assert.equal(image.status, "active");
      assert.equal(image.checksum, md5(payload));
      assert.equal(image.size, payload.length);
    } finally {
      await second.app.close();
      await second.ctx.close();
    }
  } finally {
    stalling = true;
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { cliFor, type Env, type Row } from "./cli.ts";
import { startServer, type Server } from "./server.ts";

/** Glance v2 through the real `openstack` CLI against a `stratus serve` child process. */

const ADMIN_PASSWORD = "e2e-admin-Secret-1";
let server: Server | undefined;

function srv(): Server {
  assert.ok(server, "the server did not start");
  return server;
}
const { ok, json } = cliFor(srv);
const admin = (): Env => srv().openrc;

before(async () => {
  server = await startServer(ADMIN_PASSWORD);
});
after(async () => {
  await server?.stop();
});

test("image create --file, list, show, save, set, members, deactivate, delete", async () => {
  const data = randomBytes(300_000);
  const file = join(srv().dataDir, "upload.raw");
  writeFileSync(file, data);
  const image = await json<Row>(admin(), [
    "image",
    "create",
    "--file",
    file,
    "--disk-format",
    "raw",
    "--container-format",
    "bare",
    "e2e-image",
  ]);
  assert.equal(image.name, "e2e-image");
  // The CLI prints the image as created, before its data; show reads it afterwards.
  const uploaded = await json<Row>(admin(), ["image", "show", "e2e-image"]);
  assert.equal(uploaded.status, "active");
  assert.equal(uploaded.size, data.length);
  const listed = await json<Row[]>(admin(), ["image", "list"]);
  assert.ok(listed.some((row) => row.Name === "e2e-image" && row.Status === "active"));
  const out = join(srv().dataDir, "download.raw");
  await ok(admin(), ["image", "save", "--file", out, "e2e-image"]);
  assert.ok(readFileSync(out).equals(data));

  await ok(admin(), ["image", "set", "--property", "os_distro=cirros", "e2e-image"]);
  const shown = await json<Row>(admin(), ["image", "show", "e2e-image"]);
  assert.equal((shown.properties as Row).os_distro, "cirros");

  const project = await json<Row>(admin(), ["project", "create", "e2e-image-consumer"]);
  await ok(admin(), ["image", "set", "--shared", "e2e-image"]);
  await ok(admin(), ["image", "add", "project", "e2e-image", String(project.id)]);
  const members = await json<Row[]>(admin(), ["image", "member", "list", "e2e-image"]);
  assert.equal(members.length, 1);
  assert.equal(members[0]?.["Member ID"], project.id);
  assert.equal(members[0]?.Status, "pending");

  await ok(admin(), ["image", "set", "--deactivate", "e2e-image"]);
  assert.equal((await json<Row>(admin(), ["image", "show", "e2e-image"])).status, "deactivated");
  await ok(admin(), ["image", "set", "--activate", "e2e-image"]);
  assert.equal((await json<Row>(admin(), ["image", "show", "e2e-image"])).status, "active");

  await ok(admin(), ["image", "delete", "e2e-image"]);
  const after = await json<Row[]>(admin(), ["image", "list"]);
  assert.ok(!after.some((row) => row.Name === "e2e-image"));
});

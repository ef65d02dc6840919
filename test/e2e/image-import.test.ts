import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { cliFor, type Row } from "./cli.ts";
import { startServer, type CliResult, type Server } from "./server.ts";

/**
 * Interoperable import end to end: `openstack image create --import` (stage + glance-direct) and
 * python-glanceclient's import-info, image-create-via-import (web-download, refused for a loopback
 * URL under the default filter) and task-list, against a `stratus serve` child process.
 */

const ADMIN_PASSWORD = "e2e-admin-Secret-1";
let server: Server | undefined;
let web: HttpServer | undefined;

function srv(): Server {
  assert.ok(server, "the server did not start");
  return server;
}
const { json } = cliFor(srv);

before(async () => {
  server = await startServer(ADMIN_PASSWORD);
  web = createServer((_req, res) => res.end(Buffer.alloc(1024)));
  await new Promise<void>((resolve) => web?.listen(0, "127.0.0.1", resolve));
});
after(async () => {
  web?.close();
  await server?.stop();
});

function glance(args: readonly string[]): Promise<CliResult> {
  const home = join(srv().dataDir, "home");
  mkdirSync(home, { recursive: true });
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, LANG: "C.UTF-8", ...srv().openrc };
  // stdin closed (not just empty): glance takes a stdin that is not a terminal as image data.
  const argv = ["-c", 'exec glance "$@" <&-', "glance", "--os-image-api-version", "2", ...args];
  const child = spawn("sh", argv, {
    env,
    timeout: 60_000,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve) =>
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr })),
  );
}

async function waitActive(name: string): Promise<Row> {
  for (let i = 0; i < 100; i++) {
    const image = await json<Row>(srv().openrc, ["image", "show", name]);
    if (image.status === "active") return image;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not become active`);
}

test("glance import-info lists the import methods", async () => {
  const result = await glance(["import-info"]);
  assert.equal(result.code, 0, result.stderr);
  // The table wraps long values: compare without its borders and line breaks.
  const flat = result.stdout.replace(/[\s|]/g, "");
  for (const method of ["glance-direct", "web-download", "copy-image"])
    assert.ok(flat.includes(method), result.stdout);
});

test("openstack image create --import stages and imports (glance-direct)", async () => {
  const data = randomBytes(200_000);
  const file = join(srv().dataDir, "import.raw");
  writeFileSync(file, data);
  await json<Row>(srv().openrc, [
    "image",
    "create",
    "--import",
    "--file",
    file,
    "--disk-format",
    "raw",
    "--container-format",
    "bare",
    "e2e-imported",
  ]);
  const image = await waitActive("e2e-imported");
  assert.equal(image.size, data.length);
  const tasks = await glance(["task-list"]);
  assert.equal(tasks.code, 0, tasks.stderr);
  assert.match(tasks.stdout, /api_image_import/);
});

test("glance image-create-via-import --import-method web-download is refused for a loopback URL", async () => {
  const { port } = web?.address() as AddressInfo;
  const result = await glance([
    "image-create-via-import",
    "--import-method",
    "web-download",
    "--uri",
    `http://127.0.0.1:${port}/x.raw`,
    "--disk-format",
    "raw",
    "--container-format",
    "bare",
    "--name",
    "e2e-refused",
  ]);
  assert.notEqual(result.code, 0, result.stdout);
  // glanceclient sends no Accept, so it gets webob's HTML and shows the message itself.
  assert.match(result.stderr, /URI for web-download does not pass filtering: http:\/\/127\.0\.0\.1:/);
  const image = await json<Row>(srv().openrc, ["image", "show", "e2e-refused"]);
  assert.equal(image.status, "queued", "nothing was fetched");
});

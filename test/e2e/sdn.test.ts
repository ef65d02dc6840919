import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, test } from "node:test";
import { cliFor, type Env } from "./cli.ts";
import { startServer, stratus, type Server } from "./server.ts";

/**
 * The SDN controller end to end: ports created with the `openstack` CLI become ACTIVE once the
 * controller has realised and bound them, and `stratus trace` proves what reaches what.
 */

const ADMIN_PASSWORD = "e2e-sdn-admin-Secret-1";
let server: Server | undefined;
const ids = { vm1: "", vm2: "", idle: "", fip: "" };
const ips = { vm2: "", fip: "" };

function srv(): Server {
  assert.ok(server, "the server did not start");
  return server;
}
const { ok, json } = cliFor(srv);
const admin = (): Env => srv().openrc;

/** `stratus trace` of a TCP packet to `port`, as the admin. */
const tcpTrace = (from: string, to: string, port: number, extra: string[] = []) =>
  stratus(admin(), [
    "trace",
    "--from",
    from,
    "--to",
    to,
    "--proto",
    "tcp",
    "--dport",
    String(port),
    ...extra,
  ]);

/** Polls `openstack <kind> show` until the status is reached (the controller runs in the background). */
async function statusBecomes(kind: string, id: string, status: string): Promise<void> {
  let last = "";
  for (let i = 0; i < 40; i++) {
    last = (await json<{ status: string }>(admin(), [...kind.split(" "), "show", id])).status;
    if (last === status) return;
    await sleep(250);
  }
  assert.fail(`${kind} ${id} stayed ${last}, never ${status}`);
}

before(
  async () => {
    server = await startServer(ADMIN_PASSWORD);
    await ok(admin(), ["network", "create", "--external", "public"]);
    await ok(admin(), ["subnet", "create", "--network", "public", "--subnet-range", "203.0.113.0/24", "pub"]);
    await ok(admin(), ["network", "create", "private"]);
    await ok(admin(), ["subnet", "create", "--network", "private", "--subnet-range", "10.2.0.0/24", "priv"]);
    await ok(admin(), ["router", "create", "--external-gateway", "public", "edge"]);
    await ok(admin(), ["router", "add", "subnet", "edge", "priv"]);
    await ok(admin(), ["security", "group", "create", "ssh-only"]);
    await ok(admin(), [
      "security",
      "group",
      "rule",
      "create",
      "--ingress",
      "--protocol",
      "tcp",
      "--dst-port",
      "22",
      "ssh-only",
    ]);
    const port = (name: string, host: string[]) =>
      json<{ id: string; fixed_ips: Array<{ ip_address: string }> }>(admin(), [
        "port",
        "create",
        "--network",
        "private",
        "--security-group",
        "ssh-only",
        ...host,
        name,
      ]);
    ids.vm1 = (await port("vm1", ["--host", "compute-1"])).id;
    const vm2 = await port("vm2", ["--host", "compute-2"]);
    ids.vm2 = vm2.id;
    ips.vm2 = vm2.fixed_ips[0]?.ip_address ?? "";
    ids.idle = (await port("idle", [])).id;
  },
  { timeout: 120_000 },
);

after(async () => {
  if (server === undefined) return;
  const exit = await server.stop();
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, server.output());
});

test("bound ports become ACTIVE, an unbound one stays DOWN, a disabled one goes DOWN", async () => {
  await statusBecomes("port", ids.vm1, "ACTIVE");
  await statusBecomes("port", ids.vm2, "ACTIVE");
  assert.equal((await json<{ status: string }>(admin(), ["port", "show", ids.idle])).status, "DOWN");
  await ok(admin(), ["port", "set", "--disable", ids.idle]);
  await ok(admin(), ["port", "set", "--host", "compute-1", "--enable", ids.idle]);
  await statusBecomes("port", ids.idle, "ACTIVE");
  await ok(admin(), ["port", "set", "--disable", ids.idle]);
  await statusBecomes("port", ids.idle, "DOWN");
});

test("stratus trace: SSH between the two ports is delivered, HTTP is dropped by the security group", async () => {
  const ssh = await tcpTrace(ids.vm1, ips.vm2, 22);
  assert.equal(ssh.code, 0, ssh.stdout + ssh.stderr);
  assert.match(ssh.stdout, /DELIVERED/);
  const http = await tcpTrace(ids.vm1, ids.vm2, 80);
  assert.equal(http.code, 1, http.stdout + http.stderr);
  assert.match(http.stdout, /DROPPED/);
  const asJson = await tcpTrace(ids.vm1, ips.vm2, 80, ["--json"]);
  assert.equal(asJson.code, 1);
  const body = JSON.parse(asJson.stdout) as { trace: { verdict: string; hops: Array<{ decision: string }> } };
  assert.equal(body.trace.verdict, "dropped");
  assert.equal(body.trace.hops.at(-1)?.decision, "drop");
});

test("a floating IP becomes ACTIVE and an outside address reaches the port through it", async () => {
  const fip = await json<{ id: string; floating_ip_address: string }>(admin(), [
    "floating",
    "ip",
    "create",
    "--port",
    ids.vm1,
    "public",
  ]);
  await statusBecomes("floating ip", fip.id, "ACTIVE");
  const fromOutside = await tcpTrace("203.0.113.200", fip.floating_ip_address, 22);
  assert.equal(fromOutside.code, 0, fromOutside.stdout + fromOutside.stderr);
  assert.match(fromOutside.stdout, /DELIVERED/);
});

test("stratus trace usage errors exit 2 and say what is missing", async () => {
  const missing = await stratus(admin(), ["trace", "--from", ids.vm1]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--from and --to are required/);
  const noEnv = await stratus({}, ["trace", "--from", ids.vm1, "--to", "10.2.0.9"]);
  assert.equal(noEnv.code, 2);
  assert.match(noEnv.stderr, /OS_AUTH_URL is not set/);
});

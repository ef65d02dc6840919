import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { createContext } from "../../src/context.ts";
import type { EventTables } from "../../src/events/tables.ts";
import { loadSdnSnapshot } from "../../src/network/sdn-state.ts";
import type { NetworkTables } from "../../src/network/tables.ts";
import { compile } from "../../src/sdn/compile/index.ts";
import { TABLES, type Model } from "../../src/sdn/model.ts";
import { call, startTestApp, type TestApp } from "../helpers/app.ts";

let t: TestApp;
let admin = "";
const sqliteDir = mkdtempSync(join(tmpdir(), "stratus-sdn-"));
const inside = { network: "", subnet: "" };
const external = { network: "", subnet: "" };
let routerId = "";

// A durable database (a SQLite file, or the test's PostgreSQL schema) so a second context can
// stand for a restart.
before(async () => {
  const durable =
    process.env.STRATUS_TEST_DB === "postgres" ? {} : { dbUrl: `sqlite:${sqliteDir}/db.sqlite` };
  t = await startTestApp({ config: durable });
  admin = t.adminToken;
  await subnetOn(inside, "10.0.0.0/24");
  await subnetOn(external, "198.51.100.0/24", { "router:external": true });
  routerId = String(
    (
      await created("/routers", {
        router: { name: "edge", external_gateway_info: { network_id: external.network } },
      })
    ).id,
  );
  const added = await net("PUT", `/routers/${routerId}/add_router_interface`, { subnet_id: inside.subnet });
  assert.equal(added.statusCode, 200, added.body);
  await t.ctx.sdn.reconcileNow();
});
after(async () => {
  await t.close();
  rmSync(sqliteDir, { recursive: true, force: true });
});

const net = (method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: unknown) =>
  call(t.app, admin, method, `/networking/v2.0${url}`, body);

async function created(url: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await net("POST", url, body);
  assert.equal(response.statusCode, 201, response.body);
  return Object.values(response.json<Record<string, Record<string, unknown>>>())[0]!;
}

async function subnetOn(into: { network: string; subnet: string }, cidr: string, extra = {}) {
  into.network = String((await created("/networks", { network: { name: cidr, ...extra } })).id);
  const subnet = await created("/subnets", { subnet: { network_id: into.network, cidr, ip_version: 4 } });
  into.subnet = String(subnet.id);
}

async function port(extra: Record<string, unknown> = {}): Promise<string> {
  return String((await created("/ports", { port: { network_id: inside.network, ...extra } })).id);
}

async function shown(path: string): Promise<Record<string, unknown>> {
  const response = await net("GET", path);
  assert.equal(response.statusCode, 200, response.body);
  return Object.values(response.json<Record<string, Record<string, unknown>>>())[0]!;
}

async function lastEvent(id: string) {
  const row = await t.ctx.db
    .as<EventTables>()
    .selectFrom("events")
    .selectAll()
    .where("resource_id", "=", id)
    .orderBy("seq", "desc")
    .executeTakeFirstOrThrow();
  return { type: row.type, payload: JSON.parse(row.payload) as Record<string, Record<string, unknown>> };
}

test("a bound port goes DOWN -> ACTIVE, announced like any update; an unbound one stays DOWN", async () => {
  const bound = await port({ "binding:host_id": "compute-1" });
  const unbound = await port();
  assert.equal((await shown(`/ports/${bound}`)).status, "DOWN");
  const revision = Number((await shown(`/ports/${bound}`)).revision_number);
  const report = await t.ctx.sdn.reconcileNow();
  assert.ok(report.events > 0 && report.passes > 0, JSON.stringify(report));
  const after = await shown(`/ports/${bound}`);
  assert.equal(after.status, "ACTIVE");
  assert.equal(after.revision_number, revision + 1);
  const event = await lastEvent(bound);
  assert.equal(event.type, "port.update.end");
  assert.equal(event.payload.port?.status, "ACTIVE");
  assert.equal(event.payload.port?.revision_number, revision + 1);
  assert.equal((await shown(`/ports/${unbound}`)).status, "DOWN");
  const applied = await t.ctx.sdn.appliedModel();
  assert.ok(applied.logical_switch_ports[bound]);
  assert.ok(applied.logical_switch_ports[unbound]);
});

test("a port set admin down goes DOWN, and ACTIVE again when back up", async () => {
  const id = await port({ "binding:host_id": "compute-1" });
  await t.ctx.sdn.reconcileNow();
  assert.equal((await shown(`/ports/${id}`)).status, "ACTIVE");
  await net("PUT", `/ports/${id}`, { port: { admin_state_up: false } });
  await t.ctx.sdn.reconcileNow();
  assert.equal((await shown(`/ports/${id}`)).status, "DOWN");
  await net("PUT", `/ports/${id}`, { port: { admin_state_up: true } });
  await t.ctx.sdn.reconcileNow();
  assert.equal((await shown(`/ports/${id}`)).status, "ACTIVE");
});

test("a router is ACTIVE when realised and DOWN when set admin down", async () => {
  await t.ctx.sdn.reconcileNow();
  assert.equal((await shown(`/routers/${routerId}`)).status, "ACTIVE");
  assert.ok((await t.ctx.sdn.appliedModel()).logical_routers[`lr-${routerId}`]);
  await net("PUT", `/routers/${routerId}`, { router: { admin_state_up: false } });
  await t.ctx.sdn.reconcileNow();
  assert.equal((await shown(`/routers/${routerId}`)).status, "DOWN");
  await net("PUT", `/routers/${routerId}`, { router: { admin_state_up: true } });
  await t.ctx.sdn.reconcileNow();
  assert.equal((await shown(`/routers/${routerId}`)).status, "ACTIVE");
});

test("a floating IP is ACTIVE when associated and DOWN when disassociated", async () => {
  const vm = await port({ "binding:host_id": "compute-1" });
  const fip = String(
    (await created("/floatingips", { floatingip: { floating_network_id: external.network, port_id: vm } }))
      .id,
  );
  await t.ctx.sdn.reconcileNow();
  assert.equal((await shown(`/floatingips/${fip}`)).status, "ACTIVE");
  assert.ok((await t.ctx.sdn.appliedModel()).nats[`fip-${fip}`]);
  await net("PUT", `/floatingips/${fip}`, { floatingip: { port_id: null } });
  await t.ctx.sdn.reconcileNow();
  assert.equal((await shown(`/floatingips/${fip}`)).status, "DOWN");
  assert.equal((await t.ctx.sdn.appliedModel()).nats[`fip-${fip}`], undefined);
});

test("a network is ACTIVE when realised", async () => {
  await t.ctx.sdn.reconcileNow();
  assert.equal((await shown(`/networks/${inside.network}`)).status, "ACTIVE");
  assert.ok((await t.ctx.sdn.appliedModel()).logical_switches[`ls-${inside.network}`]);
});

test("a deleted port disappears from the applied model", async () => {
  const id = await port({ "binding:host_id": "compute-1" });
  await t.ctx.sdn.reconcileNow();
  assert.ok((await t.ctx.sdn.appliedModel()).logical_switch_ports[id]);
  assert.equal((await net("DELETE", `/ports/${id}`)).statusCode, 204);
  await t.ctx.sdn.reconcileNow();
  assert.equal((await t.ctx.sdn.appliedModel()).logical_switch_ports[id], undefined);
});

test("it converges: a second reconcileNow applies nothing and writes no status", async () => {
  await port({ "binding:host_id": "compute-2" });
  const first = await t.ctx.sdn.reconcileNow();
  assert.ok(first.applied > 0 && first.statuses > 0, JSON.stringify(first));
  const second = await t.ctx.sdn.reconcileNow();
  assert.deepEqual(
    [second.applied, second.failed, second.statuses, second.passes],
    [0, 0, 0, 0],
    JSON.stringify(second),
  );
});

test("the full check repairs drift behind the controller's back: missing, extra, stale rows", async () => {
  const id = await port({ "binding:host_id": "compute-1" });
  await t.ctx.sdn.reconcileNow();
  const before = await t.ctx.sdn.appliedModel();
  const row = before.logical_switch_ports[id]!;
  const router = before.logical_routers[`lr-${routerId}`]!;
  const tampered = await t.ctx.sdn.driver.apply([
    { op: "delete", table: "logical_switch_ports", name: id },
    { op: "create", table: "logical_switch_ports", name: "stray", row: { ...row, name: "stray" } },
    {
      op: "update",
      table: "logical_routers",
      name: router.name,
      row: { ...router, owner: { ...router.owner, revision: router.owner.revision - 1 } },
    },
  ]);
  assert.equal(tampered.failed, 0);
  // An event-driven pass trusts what it applied; only the full check looks.
  assert.equal((await t.ctx.sdn.reconcileNow()).applied, 0);
  const { repaired } = await t.ctx.sdn.fullCheck();
  assert.equal(repaired, 3);
  assert.deepEqual(await t.ctx.sdn.appliedModel(), before);
  assert.equal((await t.ctx.sdn.fullCheck()).repaired, 0);
  assert.equal((await shown(`/ports/${id}`)).status, "ACTIVE");
});

/** Rows by table, key order aside (an incremental pass adds keys at the end). */
function rowsOf(model: Model): Record<string, Record<string, unknown>> {
  return Object.fromEntries(TABLES.map((table) => [table, { ...model[table] }]));
}

test("port-only changes are reconciled incrementally, to exactly what a full compile gives", async () => {
  const group = String((await created("/security-groups", { security_group: { name: "web" } })).id);
  const id = await port({ "binding:host_id": "compute-1" });
  await t.ctx.sdn.reconcileNow();
  const moved = await net("PUT", `/ports/${id}`, {
    port: { security_groups: [group], allowed_address_pairs: [{ ip_address: "10.0.0.200" }] },
  });
  assert.equal(moved.statusCode, 200, moved.body);
  const report = await t.ctx.sdn.reconcileNow();
  assert.ok(report.incremental > 0 && report.incremental === report.passes, JSON.stringify(report));
  const applied = await t.ctx.sdn.appliedModel();
  assert.deepEqual(applied.address_sets[`as-${group}-ip4`]?.addresses.includes("10.0.0.200"), true);
  assert.ok(applied.port_groups[`pg-${group}`]?.ports.includes(id));
  const full = compile((await loadSdnSnapshot(t.ctx.db.as<NetworkTables>())).state);
  assert.deepEqual(rowsOf(applied), rowsOf(full));
  assert.equal((await net("DELETE", `/ports/${id}`)).statusCode, 204);
  assert.equal((await t.ctx.sdn.reconcileNow()).incremental, 1);
  assert.equal((await t.ctx.sdn.appliedModel()).port_groups[`pg-${group}`]?.ports.includes(id), false);
});

test("a change beyond ports (a router interface) takes a full pass", async () => {
  const network = { network: "", subnet: "" };
  await subnetOn(network, "10.9.0.0/24");
  await net("PUT", `/routers/${routerId}/add_router_interface`, { subnet_id: network.subnet });
  const report = await t.ctx.sdn.reconcileNow();
  assert.ok(report.passes > report.incremental, JSON.stringify(report));
  assert.ok(Object.keys((await t.ctx.sdn.appliedModel()).logical_router_ports).length >= 3);
});

test("a port the compiler cannot realise is ERROR", async () => {
  const id = await port({ device_owner: "network:router_interface", device_id: "no-such-router" });
  await t.ctx.sdn.reconcileNow();
  assert.equal((await shown(`/ports/${id}`)).status, "ERROR");
  assert.equal((await t.ctx.sdn.reconcileNow()).statuses, 0);
  assert.equal((await net("DELETE", `/ports/${id}`)).statusCode, 204);
  await t.ctx.sdn.reconcileNow();
});

test("started, the loop follows the log in the background until stopped", async () => {
  await t.ctx.sdn.start();
  try {
    const id = await port({ "binding:host_id": "compute-1" });
    const deadline = Date.now() + 5_000;
    while ((await shown(`/ports/${id}`)).status !== "ACTIVE" && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal((await shown(`/ports/${id}`)).status, "ACTIVE");
  } finally {
    await t.ctx.sdn.stop();
  }
  assert.equal((await t.ctx.sdn.reconcileNow()).applied, 0);
});

test("a restart rebuilds the same applied model and handles only new events", async () => {
  await t.ctx.sdn.reconcileNow();
  const model = await t.ctx.sdn.appliedModel();
  const position = await t.ctx.sdn.cursor();
  const schema = t.ctx.db.schema;
  const second = await createContext(t.ctx.config, {
    clock: t.clock,
    db: schema === undefined ? {} : { schema },
  });
  try {
    const sync = await second.sdn.reconcileNow();
    assert.equal(sync.events, 0);
    assert.equal(sync.statuses, 0);
    const rows = Object.entries(model)
      .filter(([table]) => table !== "problems")
      .reduce((sum, [, rows]) => sum + Object.keys(rows).length, 0);
    assert.equal(sync.applied, rows);
    assert.deepEqual(await second.sdn.appliedModel(), model);
    assert.equal(await second.sdn.cursor(), position);
    const id = await port({ "binding:host_id": "compute-3" });
    const next = await second.sdn.reconcileNow();
    assert.ok(next.events >= 1, JSON.stringify(next));
    assert.ok((await second.sdn.appliedModel()).logical_switch_ports[id]);
    assert.equal((await shown(`/ports/${id}`)).status, "ACTIVE");
  } finally {
    await second.close();
  }
});

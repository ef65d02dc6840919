import assert from "node:assert/strict";
import { test } from "node:test";
import { diff } from "../../src/sdn/diff.ts";
import { emptyModel, TABLES } from "../../src/sdn/model.ts";
import { same } from "../../src/sdn/same.ts";
import { fixtureModel } from "./fixture-model.ts";

test("from nothing: every row created, tables in dependency order", () => {
  const changes = diff(emptyModel(), fixtureModel());
  assert.ok(changes.every((change) => change.op === "create" && change.row?.name === change.name));
  const order = changes.map((change) => TABLES.indexOf(change.table));
  assert.deepEqual(
    order,
    [...order].sort((a, b) => a - b),
  );
  assert.equal(changes.length, 10);
});

test("to nothing: every row deleted, children first, no rows carried", () => {
  const changes = diff(fixtureModel(), emptyModel());
  assert.ok(changes.every((change) => change.op === "delete" && change.row === undefined));
  const order = changes.map((change) => TABLES.indexOf(change.table));
  assert.deepEqual(
    order,
    [...order].sort((a, b) => b - a),
  );
});

test("equal models: no change, whatever the key order of rows", () => {
  const applied = fixtureModel();
  const desired = fixtureModel();
  const { name, ...rest } = desired.logical_routers["lr-r1"]!;
  desired.logical_routers["lr-r1"] = { ...rest, name };
  assert.deepEqual(diff(applied, desired), []);
});

test("a new owner revision alone is an update", () => {
  const desired = fixtureModel();
  const router = desired.logical_routers["lr-r1"]!;
  desired.logical_routers["lr-r1"] = { ...router, owner: { ...router.owner, revision: 2 } };
  assert.deepEqual(diff(fixtureModel(), desired), [
    { op: "update", table: "logical_routers", name: "lr-r1", row: desired.logical_routers["lr-r1"] },
  ]);
});

test("creates and updates come before deletes; deletes run in reverse table order", () => {
  const applied = fixtureModel();
  const desired = fixtureModel();
  delete desired.acls["acl-rule1"];
  delete desired.logical_switch_ports.vm1;
  desired.logical_switch_ports.vm2 = { ...applied.logical_switch_ports.vm1!, name: "vm2" };
  desired.dhcp_options["dhcp-s1"]!.options.mtu = 1400;
  assert.deepEqual(
    diff(applied, desired).map((change) => [change.op, change.table, change.name]),
    [
      ["create", "logical_switch_ports", "vm2"],
      ["update", "dhcp_options", "dhcp-s1"],
      ["delete", "acls", "acl-rule1"],
      ["delete", "logical_switch_ports", "vm1"],
    ],
  );
});

test("problems are not rows: they never make a change", () => {
  const desired = fixtureModel();
  desired.problems.push({ owner: { type: "port", id: "vm1", revision: 1 }, reason: "bad" });
  assert.deepEqual(diff(fixtureModel(), desired), []);
});

test("row equality is JSON equality: key order aside, every key and element counts", () => {
  assert.ok(same({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 }));
  assert.ok(!same({ a: 1 }, { a: 1, b: undefined }));
  assert.ok(!same({ a: [1, 2] }, { a: [2, 1] }));
  assert.ok(!same({ a: [] }, { a: {} }));
  assert.ok(!same({ a: null }, { a: {} }));
  assert.ok(!same({ a: "1" }, { a: 1 }));
});

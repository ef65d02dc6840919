import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { diff } from "../../../src/sdn/diff.ts";
import type { Change, Driver } from "../../../src/sdn/driver.ts";
import { drivers } from "../../../src/sdn/drivers/index.ts";
import { emptyModel, TABLES } from "../../../src/sdn/model.ts";
import { fixtureModel } from "../fixture-model.ts";

/** One suite, every driver in the map: what the controller relies on from any data plane. */
for (const [name, factory] of Object.entries(drivers)) {
  describe(`driver ${name}`, () => {
    const started = async (): Promise<Driver> => {
      const driver = factory();
      await driver.start();
      return driver;
    };

    test("starts empty, names itself and lists its capabilities", async () => {
      const driver = await started();
      assert.equal(driver.name, name);
      assert.ok(Array.isArray(driver.capabilities));
      assert.deepEqual(await driver.observe(), emptyModel());
      await driver.close();
    });

    test("applies creates in dependency order and observes them", async () => {
      const driver = await started();
      const changes = diff(emptyModel(), fixtureModel());
      assert.deepEqual(
        [...new Set(changes.map((change) => change.table))],
        TABLES.filter((table) => Object.keys(fixtureModel()[table]).length > 0),
      );
      const result = await driver.apply(changes);
      assert.deepEqual([result.applied, result.failed], [changes.length, 0]);
      assert.deepEqual(await driver.observe(), fixtureModel());
      await driver.close();
    });

    test("updates a row in place", async () => {
      const driver = await started();
      await driver.apply(diff(emptyModel(), fixtureModel()));
      const desired = fixtureModel();
      const vm = desired.logical_switch_ports.vm1!;
      desired.logical_switch_ports.vm1 = { ...vm, enabled: false, owner: { ...vm.owner, revision: 2 } };
      const changes = diff(await driver.observe(), desired);
      assert.deepEqual(
        changes.map((change) => [change.op, change.name]),
        [["update", "vm1"]],
      );
      assert.equal((await driver.apply(changes)).applied, 1);
      assert.deepEqual(await driver.observe(), desired);
      await driver.close();
    });

    test("deletes children before parents and ends empty", async () => {
      const driver = await started();
      await driver.apply(diff(emptyModel(), fixtureModel()));
      const changes = diff(await driver.observe(), emptyModel());
      assert.ok(changes.every((change) => change.op === "delete"));
      assert.deepEqual(
        [...new Set(changes.map((change) => change.table))],
        [...TABLES].reverse().filter((table) => Object.keys(fixtureModel()[table]).length > 0),
      );
      const result = await driver.apply(changes);
      assert.deepEqual([result.applied, result.failed], [changes.length, 0]);
      assert.deepEqual(await driver.observe(), emptyModel());
      await driver.close();
    });

    test("re-applying the same changes is harmless", async () => {
      const driver = await started();
      const changes = diff(emptyModel(), fixtureModel());
      await driver.apply(changes);
      const again = await driver.apply(changes);
      assert.deepEqual([again.applied, again.failed], [changes.length, 0]);
      assert.deepEqual(await driver.observe(), fixtureModel());
      const deletes = diff(fixtureModel(), emptyModel());
      await driver.apply(deletes);
      assert.equal((await driver.apply(deletes)).failed, 0);
      assert.deepEqual(await driver.observe(), emptyModel());
      await driver.close();
    });

    test("a change whose parent is missing fails alone; the rest apply", async () => {
      const driver = await started();
      const model = fixtureModel();
      const orphans: Change[] = [
        { op: "create", table: "logical_switch_ports", name: "vm1", row: model.logical_switch_ports.vm1! },
        {
          op: "create",
          table: "logical_router_ports",
          name: "lrp-ri1",
          row: model.logical_router_ports["lrp-ri1"]!,
        },
        { op: "create", table: "nats", name: "fip-f1", row: model.nats["fip-f1"]! },
        { op: "create", table: "acls", name: "acl-rule1", row: model.acls["acl-rule1"]! },
      ];
      const fine: Change = {
        op: "create",
        table: "logical_switches",
        name: "ls-n1",
        row: model.logical_switches["ls-n1"]!,
      };
      const result = await driver.apply([orphans[0]!, fine, ...orphans.slice(1)]);
      assert.deepEqual([result.applied, result.failed], [1, 4]);
      assert.deepEqual(
        result.outcomes.map((outcome) => [outcome.change.name, outcome.ok]),
        [
          ["vm1", false],
          ["ls-n1", true],
          ["lrp-ri1", false],
          ["fip-f1", false],
          ["acl-rule1", false],
        ],
      );
      assert.ok(result.outcomes.every((outcome) => outcome.ok || (outcome.error ?? "").length > 0));
      const observed = await driver.observe();
      assert.deepEqual(Object.keys(observed.logical_switches), ["ls-n1"]);
      assert.deepEqual(Object.keys(observed.logical_switch_ports), []);
      // With its parent now there, the same change applies.
      assert.equal((await driver.apply([orphans[0]!])).applied, 1);
      await driver.close();
    });

    test("observe returns a copy the caller cannot use to change the driver", async () => {
      const driver = await started();
      await driver.apply(diff(emptyModel(), fixtureModel()));
      const observed = await driver.observe();
      delete observed.logical_switch_ports.vm1;
      assert.ok((await driver.observe()).logical_switch_ports.vm1);
      await driver.close();
    });

    test("closes cleanly", async () => {
      const driver = await started();
      await driver.apply(diff(emptyModel(), fixtureModel()));
      await driver.close();
    });
  });
}

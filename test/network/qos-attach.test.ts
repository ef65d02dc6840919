import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";
import { loadQosPolicies } from "../../src/network/qos-state.ts";
import type { NetworkTables } from "../../src/network/tables.ts";
import { createdOn, netOf, startQosFixture, type Method } from "./qos-fixture.ts";

/** qos_policy_id on ports, networks, floating IPs [qos-fip] and router gateways [qos-gateway-ip]. */

let t: TestApp;
let alpha = "";
let policy = { alpha: "", gold: "", admin: "" };

const net = (token: string, method: Method, url: string, body?: unknown) =>
  netOf(t)(token, method, url, body);
const created = (token: string, url: string, body: unknown) => createdOn(t, token, url, body);

before(async () => {
  ({ t, alpha, policy } = await startQosFixture());
});

after(() => t.close());

test("ports and networks take a visible policy; another project's is 404", async () => {
  const network = await created(alpha, "/networks", {
    network: { name: "qos-net", qos_policy_id: policy.gold },
  });
  assert.equal(network.qos_policy_id, policy.gold);
  const networkId = String(network.id);
  await created(alpha, "/subnets", { subnet: { network_id: networkId, cidr: "10.9.0.0/24", ip_version: 4 } });
  const port = await created(alpha, "/ports", {
    port: { network_id: networkId, qos_policy_id: policy.alpha },
  });
  assert.equal(port.qos_policy_id, policy.alpha);
  const plain = await created(alpha, "/ports", { port: { network_id: networkId } });
  assert.equal(plain.qos_policy_id, null);
  expectNeutronError(
    await net(alpha, "POST", "/ports", { port: { network_id: networkId, qos_policy_id: policy.admin } }),
    404,
    "QosPolicyNotFound",
    `QoS policy ${policy.admin} could not be found.`,
  );
  expectNeutronError(
    await net(alpha, "PUT", `/networks/${networkId}`, { network: { qos_policy_id: "not-a-uuid" } }),
    400,
    "HTTPBadRequest",
    "Invalid input for qos_policy_id. Reason: 'not-a-uuid' is not a valid UUID.",
  );
  const cleared = await net(alpha, "PUT", `/ports/${String(port.id)}`, { port: { qos_policy_id: null } });
  assert.equal(cleared.json().port.qos_policy_id, null);
  const set = await net(alpha, "PUT", `/ports/${String(port.id)}`, { port: { qos_policy_id: policy.gold } });
  assert.equal(set.json().port.qos_policy_id, policy.gold);
  const shownNet = (await net(alpha, "GET", `/networks/${networkId}?fields=qos_policy_id`)).json();
  assert.deepEqual(shownNet, { network: { qos_policy_id: policy.gold } });
});

test("a tenant cannot change or clear a limit an admin set with its own policy", async () => {
  const networkId = String((await created(alpha, "/networks", { network: { name: "capped" } })).id);
  const port = String((await created(alpha, "/ports", { port: { network_id: networkId } })).id);
  for (const [url, member] of [
    [`/ports/${port}`, "port"],
    [`/networks/${networkId}`, "network"],
  ] as const) {
    const capped = await net(t.adminToken, "PUT", url, { [member]: { qos_policy_id: policy.admin } });
    assert.equal(capped.statusCode, 200, capped.body);
    assert.equal((await net(alpha, "GET", url)).json()[member].qos_policy_id, policy.admin);
    for (const next of [null, policy.gold]) {
      expectNeutronError(
        await net(alpha, "PUT", url, { [member]: { qos_policy_id: next } }),
        403,
        "PolicyRemoveAuthorizationError",
        `Failed to remove provided policy ${policy.admin} because you are not authorized.`,
      );
    }
    // Other changes still go through, and the admin may lift the limit.
    assert.equal((await net(alpha, "PUT", url, { [member]: { name: "renamed" } })).statusCode, 200);
    expectNeutronError(
      await net(t.adminToken, "DELETE", `/qos/policies/${policy.admin}`),
      409,
      "QosPolicyInUse",
    );
    const lifted = await net(t.adminToken, "PUT", url, { [member]: { qos_policy_id: null } });
    assert.equal(lifted.json()[member].qos_policy_id, null);
  }
});

test("floating IPs [qos-fip] and router gateways [qos-gateway-ip] take a policy", async () => {
  const external = await created(t.adminToken, "/networks", {
    network: { name: "public", "router:external": true },
  });
  await created(t.adminToken, "/subnets", {
    subnet: { network_id: external.id, cidr: "203.0.113.0/24", ip_version: 4 },
  });
  const fip = await created(alpha, "/floatingips", {
    floatingip: { floating_network_id: external.id, qos_policy_id: policy.alpha },
  });
  assert.equal(fip.qos_policy_id, policy.alpha);
  const router = await created(alpha, "/routers", {
    router: { name: "r", external_gateway_info: { network_id: external.id, qos_policy_id: policy.gold } },
  });
  const gateway = router.external_gateway_info as Record<string, unknown>;
  assert.equal(gateway.qos_policy_id, policy.gold);
  const routerUrl = `/routers/${String(router.id)}`;
  // Neither naming it keeps it, null clears it (and Neutron then leaves the key out).
  const kept = await net(alpha, "PUT", routerUrl, {
    router: { external_gateway_info: { network_id: external.id } },
  });
  assert.equal(kept.json().router.external_gateway_info.qos_policy_id, policy.gold);
  expectNeutronError(
    await net(t.adminToken, "DELETE", `/qos/policies/${policy.gold}`),
    409,
    "QosPolicyInUse",
    `QoS Policy ${policy.gold} is used by port ${await firstUserOfGold()}.`,
  );
  const cleared = await net(alpha, "PUT", routerUrl, {
    router: { external_gateway_info: { network_id: external.id, qos_policy_id: null } },
  });
  assert.equal(cleared.statusCode, 200, cleared.body);
  assert.equal("qos_policy_id" in cleared.json().router.external_gateway_info, false);
  expectNeutronError(
    await net(t.adminToken, "DELETE", `/qos/policies/${policy.alpha}`),
    409,
    "QosPolicyInUse",
    `QoS Policy ${policy.alpha} is used by fip ${String(fip.id)}.`,
  );
  const unset = await net(alpha, "PUT", `/floatingips/${String(fip.id)}`, {
    floatingip: { qos_policy_id: null },
  });
  assert.equal(unset.json().floatingip.qos_policy_id, null);
  assert.equal((await net(t.adminToken, "DELETE", `/qos/policies/${policy.alpha}`)).statusCode, 204);
  expectNeutronError(await net(alpha, "GET", `/qos/policies/${policy.alpha}`), 404, "QosPolicyNotFound");
});

/** The port the shared policy is on (from the ports test): ports come first in Neutron's check. */
async function firstUserOfGold(): Promise<string> {
  const ports = (await net(t.adminToken, "GET", "/ports")).json().ports as Array<{
    id: string;
    qos_policy_id: string | null;
  }>;
  return ports.find((p) => p.qos_policy_id === policy.gold)?.id ?? "";
}

test("the SDN loader reads every policy with its rules in a few queries", async () => {
  const mark = await created(t.adminToken, `/qos/policies/${policy.gold}/dscp_marking_rules`, {
    dscp_marking_rule: { dscp_mark: 10 },
  });
  await created(t.adminToken, `/qos/policies/${policy.gold}/bandwidth_limit_rules`, {
    bandwidth_limit_rule: { max_kbps: 500, direction: "ingress" },
  });
  const loaded = await loadQosPolicies(t.ctx.db.as<NetworkTables>());
  const gold = loaded.find((p) => p.id === policy.gold);
  assert.ok(gold);
  assert.deepEqual(gold.dscp_marking, { id: mark.id, dscp_mark: 10 });
  assert.equal(gold.bandwidth_limits.length, 1);
  assert.equal(gold.bandwidth_limits[0]?.direction, "ingress");
  assert.equal(gold.bandwidth_limits[0]?.max_burst_kbps, 0);
  assert.ok(loaded.some((p) => p.id === policy.admin && p.bandwidth_limits.length === 0));
});

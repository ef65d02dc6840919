import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

/**
 * Neutron's checks beyond what the parity fixture records, each as the reference answered it:
 * MTU limits on update, tag lists, sort directions, address pairs on update, group names.
 */

let t: TestApp;
let token = "";
before(async () => {
  t = await startTestApp();
  token = await userInNewProject(t, "checks");
});
after(() => t.close());

const net = (method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: unknown, as = token) =>
  call(t.app, as, method, `/networking/v2.0${url}`, body);
const invalid = (reason: string) => `Invalid input for operation: ${reason}.`;

test("a network's mtu is capped by its segment on create and update", async () => {
  const vlan = {
    "provider:network_type": "vlan",
    "provider:physical_network": "physnet1",
    "provider:segmentation_id": 2001,
  };
  const big = { network: { name: "jumbo", mtu: 9000, ...vlan } };
  const tooBig = invalid("Requested MTU is too big, maximum is 1500");
  expectNeutronError(await net("POST", "/networks", big, t.adminToken), 400, "InvalidInput", tooBig);
  const created = await net("POST", "/networks", { network: { name: "small", mtu: 1400 } });
  assert.equal(created.statusCode, 201, created.body);
  const id = created.json().network.id as string;
  const update = await net("PUT", `/networks/${id}`, { network: { mtu: 1451 } });
  expectNeutronError(update, 400, "InvalidInput", invalid("Requested MTU is too big, maximum is 1450"));
  assert.equal((await net("PUT", `/networks/${id}`, { network: { mtu: 1450 } })).statusCode, 200);
});

test("tags: a list of unique strings of at most 255 characters", async () => {
  const id = (await net("POST", "/networks", { network: { name: "tagged" } })).json().network.id as string;
  const put = (body: unknown) => net("PUT", `/networks/${id}/tags`, body);
  const long = "x".repeat(256);
  const cases: Array<[unknown, string]> = [
    [{ tags: [1] }, "'1' is not a valid string"],
    [{ tags: ["a", null] }, "'None' is not a valid string"],
    [{ tags: [long] }, `'${long}' exceeds maximum length of 255`],
    [{ tags: ["b", "a", "b", "a"] }, "Duplicate items in the list: 'b, a'"],
    [{ tag: ["a"] }, "Invalid tags body"],
    [{ tags: null }, "'None' is not a list"],
  ];
  for (const [body, reason] of cases)
    expectNeutronError(await put(body), 400, "InvalidInput", invalid(reason));
  const one = await net("PUT", `/networks/${id}/tags/${long}`);
  expectNeutronError(one, 400, "InvalidInput", invalid(`'${long}' exceeds maximum length of 255`));
  assert.equal((await net("PUT", `/networks/${id}/tags/${"y".repeat(255)}`)).statusCode, 201);
  assert.deepEqual((await put({ tags: ["", "red"] })).json(), { tags: ["", "red"] });
});

test("sorting: a direction per key, each exactly asc or desc", async () => {
  const bad = (query: string, message: string) =>
    net("GET", `/networks?${query}`).then((r) => expectNeutronError(r, 400, "HTTPBadRequest", message));
  await bad("sort_dir=asc", "The number of sort_keys and sort_dirs must be same");
  await bad(
    "sort_key=name&sort_dir=ASC",
    "['ASC'] is invalid value for sort_dirs, valid value is 'asc' and 'desc'",
  );
  await bad(
    "sort_key=colour&sort_key=shade&sort_dir=asc&sort_dir=up",
    "['colour', 'shade'] is invalid attribute for sort_keys",
  );
});

test("address pairs need port security, on update too; rules made without a description say ''", async () => {
  const network = (await net("POST", "/networks", { network: { name: "pairs" } })).json().network;
  await net("POST", "/subnets", { subnet: { network_id: network.id, cidr: "10.77.0.0/24", ip_version: 4 } });
  const port = (
    await net("POST", "/ports", {
      port: { network_id: network.id, allowed_address_pairs: [{ ip_address: "10.1.1.1" }] },
    })
  ).json().port;
  const off = { port_security_enabled: false, security_groups: [] };
  expectNeutronError(
    await net("PUT", `/ports/${port.id}`, { port: off }),
    409,
    "AddressPairAndPortSecurityRequired",
    "Port Security must be enabled in order to have allowed address pairs on a port.",
  );
  const cleared = await net("PUT", `/ports/${port.id}`, { port: { ...off, allowed_address_pairs: [] } });
  assert.equal(cleared.statusCode, 200, cleared.body);

  const group = (await net("POST", "/security-groups", { security_group: { name: "g" } })).json()
    .security_group;
  expectNeutronError(
    await net("PUT", `/security-groups/${group.id}`, { security_group: { name: "Default" } }),
    409,
    "SecurityGroupDefaultAlreadyExists",
    "Default security group already exists.",
  );
  const rule = await net("POST", "/security-group-rules", {
    security_group_rule: { security_group_id: group.id, direction: "ingress", protocol: "tcp" },
  });
  assert.equal(rule.json().security_group_rule.description, "");
  assert.equal("tags" in rule.json().security_group_rule, false, "the rules collection shows no tags");
  const embedded = (await net("GET", `/security-groups/${group.id}`)).json().security_group;
  assert.ok(embedded.security_group_rules.every((r: { tags: unknown }) => Array.isArray(r.tags)));
});

import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { loadFirewallGroups } from "../../src/network/fwaas/state.ts";
import type { NetworkTables } from "../../src/network/tables.ts";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

/**
 * FWaaS v2 [fwaas_v2]: rules, policies with insert_rule/remove_rule, groups bound to router
 * interface and VM ports; Neutron's errors, visibility and default policies; the SDN loader.
 */

let t: TestApp;
let member = "";
let other = "";
const fixture = { network: "", subnet: "", router: "", iface: "", vm: "", plain: "", otherIface: "" };

type Json = Record<string, unknown>;
const net = (token: string, method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);
const FW = "/fwaas";

async function created(token: string, url: string, body: unknown): Promise<Json> {
  const response = await net(token, "POST", url, body);
  assert.equal(response.statusCode, 201, response.body);
  return Object.values(response.json<Record<string, Json>>())[0]!;
}

const rule = async (token: string, body: Json = {}) =>
  created(token, `${FW}/firewall_rules`, { firewall_rule: body });
const policy = async (token: string, body: Json = {}) =>
  created(token, `${FW}/firewall_policies`, { firewall_policy: body });
const group = async (token: string, body: Json = {}) =>
  created(token, `${FW}/firewall_groups`, { firewall_group: body });
const show = async (token: string, url: string) => {
  const response = await net(token, "GET", url);
  assert.equal(response.statusCode, 200, response.body);
  return Object.values(response.json<Record<string, Json>>())[0]!;
};

/** A subnet behind a router (its interface port), a VM port and a plain port; another project's interface. */
async function topology(
  token: string,
  cidr: string,
): Promise<{ subnet: string; network: string; router: string; iface: string }> {
  const network = String((await created(token, "/networks", { network: { name: cidr } })).id);
  const subnet = String(
    (await created(token, "/subnets", { subnet: { network_id: network, cidr, ip_version: 4 } })).id,
  );
  const router = String((await created(token, "/routers", { router: { name: `r-${cidr}` } })).id);
  const added = await net(token, "PUT", `/routers/${router}/add_router_interface`, { subnet_id: subnet });
  assert.equal(added.statusCode, 200, added.body);
  return { network, subnet, router, iface: String(added.json().port_id) };
}

async function events(id: string): Promise<string[]> {
  const rows = await t.ctx.db
    .as<{ events: { seq: number; type: string; resource_id: string | null } }>()
    .selectFrom("events")
    .select("type")
    .where("resource_id", "=", id)
    .orderBy("seq")
    .execute();
  return rows.map((row) => row.type);
}

before(async () => {
  t = await startTestApp();
  member = await userInNewProject(t, "fw-alpha");
  other = await userInNewProject(t, "fw-beta");
  const mine = await topology(member, "10.20.0.0/24");
  Object.assign(fixture, mine);
  fixture.otherIface = (await topology(other, "10.30.0.0/24")).iface;
  const port = (owner: string) =>
    created(member, "/ports", { port: { network_id: mine.network, device_owner: owner } });
  fixture.vm = String((await port("compute:nova")).id);
  fixture.plain = String((await port("")).id);
});
after(() => t.close());

test("fwaas_v2 is advertised with Neutron's name", async () => {
  const extension = (await net(member, "GET", "/extensions/fwaas_v2")).json().extension;
  assert.equal(extension.name, "FWaaS v2");
  assert.equal(extension.description, "Provides support for firewall-as-a-service version 2");
});

test("rule create: Neutron's defaults and normalised ports", async () => {
  const any = await rule(member);
  assert.deepEqual(
    {
      protocol: any.protocol,
      ip_version: any.ip_version,
      action: any.action,
      enabled: any.enabled,
      shared: any.shared,
      firewall_policy_id: any.firewall_policy_id,
      source_port: any.source_port,
      destination_ip_address: any.destination_ip_address,
      revision_number: any.revision_number,
    },
    {
      protocol: null,
      ip_version: 4,
      action: "deny",
      enabled: true,
      shared: false,
      firewall_policy_id: null,
      source_port: null,
      destination_ip_address: null,
      revision_number: 1,
    },
  );
  assert.equal(any.project_id, any.tenant_id);
  const ssh = await rule(member, {
    name: "ssh",
    protocol: "tcp",
    destination_port: 22,
    source_port: "1000:2000",
    source_ip_address: "192.0.2.0/24",
    action: "ALLOW",
  });
  assert.equal(ssh.destination_port, "22");
  assert.equal(ssh.source_port, "1000:2000");
  assert.equal(ssh.action, "allow");
  assert.equal((await rule(member, { protocol: "udp", destination_port: "53:53" })).destination_port, "53");
  const v6 = await rule(member, {
    protocol: "ipv6-icmp",
    ip_version: 6,
    destination_ip_address: "2001:db8::1",
  });
  assert.equal(v6.ip_version, 6);
});

test("rule create: Neutron's refusals", async () => {
  const refused = async (body: Json, status: number, type: string, message?: string) =>
    expectNeutronError(
      await net(member, "POST", `${FW}/firewall_rules`, { firewall_rule: body }),
      status,
      type,
      message,
    );
  await refused(
    { destination_port: "22" },
    400,
    "FirewallRuleWithPortWithoutProtocolInvalid",
    "Source/destination port requires a protocol.",
  );
  await refused(
    { protocol: "icmp", destination_port: "22" },
    400,
    "FirewallRuleInvalidICMPParameter",
    "Source, destination port are not allowed when protocol is set to ICMP.",
  );
  await refused(
    { ip_version: 6, source_ip_address: "10.0.0.0/8" },
    400,
    "FirewallIpAddressConflict",
    "Invalid input - IP addresses do not agree with IP Version.",
  );
  await refused(
    { protocol: "6" },
    400,
    "HTTPBadRequest",
    "Invalid input for protocol. Reason: 6 is not in valid_values.",
  );
  await refused(
    { protocol: "300" },
    400,
    "InvalidInput",
    "Invalid input for operation: IP protocol '300' is not supported. Only protocol names and their integer representation (0 to 255) are supported.",
  );
  await refused(
    { action: "drop" },
    400,
    "HTTPBadRequest",
    "Invalid input for action. Reason: drop is not in valid_values.",
  );
  await refused(
    { ip_version: 5 },
    400,
    "HTTPBadRequest",
    "Invalid input for ip_version. Reason: 5 is not in valid_values.",
  );
  await refused(
    { protocol: "tcp", destination_port: "70000" },
    400,
    "HTTPBadRequest",
    "Invalid input for destination_port. Reason: Invalid port: 70000.",
  );
  await refused(
    { protocol: "tcp", destination_port: "2000:1000" },
    400,
    "HTTPBadRequest",
    "Invalid input for destination_port. Reason: First port in a port range must be lower than the second port.",
  );
  await refused(
    { source_ip_address: "10.0.0.300" },
    400,
    "HTTPBadRequest",
    "Invalid input for source_ip_address. Reason: '10.0.0.300' is neither a valid IP address, nor is it a valid IP subnet.",
  );
  await refused(
    { firewall_policy_id: null },
    400,
    "HTTPBadRequest",
    "Attribute 'firewall_policy_id' not allowed in POST",
  );
  await refused(
    { shared: true },
    403,
    "PolicyNotAuthorized",
    "(rule:create_firewall_rule and rule:create_firewall_rule:shared) is disallowed by policy",
  );
});

test("rule update, visibility, filters, tags and events", async () => {
  const web = await rule(member, { name: "web", protocol: "tcp", destination_port: "80" });
  const id = String(web.id);
  const updated = await net(member, "PUT", `${FW}/firewall_rules/${id}`, {
    firewall_rule: { destination_port: "443", action: "allow" },
  });
  assert.equal(updated.statusCode, 200, updated.body);
  assert.equal(updated.json().firewall_rule.destination_port, "443");
  assert.equal(updated.json().firewall_rule.revision_number, 2);
  expectNeutronError(
    await net(member, "PUT", `${FW}/firewall_rules/${id}`, { firewall_rule: { protocol: "icmp" } }),
    400,
    "FirewallRuleInvalidICMPParameter",
  );
  expectNeutronError(
    await net(member, "PUT", `${FW}/firewall_rules/${id}`, { firewall_rule: { protocol: null } }),
    400,
    "FirewallRuleWithPortWithoutProtocolInvalid",
  );
  // Another project: 404 with Neutron's message, for show, update and delete.
  const missing = `Firewall rule ${id} could not be found.`;
  expectNeutronError(
    await net(other, "GET", `${FW}/firewall_rules/${id}`),
    404,
    "FirewallRuleNotFound",
    missing,
  );
  expectNeutronError(
    await net(other, "PUT", `${FW}/firewall_rules/${id}`, { firewall_rule: { name: "x" } }),
    404,
    "FirewallRuleNotFound",
  );
  expectNeutronError(await net(other, "DELETE", `${FW}/firewall_rules/${id}`), 404, "FirewallRuleNotFound");
  // A shared rule (admin-made) is read by all, changed by its project and admins only.
  const common = await rule(t.adminToken, { name: "common", shared: true, protocol: "icmp" });
  assert.equal((await show(other, `${FW}/firewall_rules/${String(common.id)}`)).name, "common");
  expectNeutronError(
    await net(other, "PUT", `${FW}/firewall_rules/${String(common.id)}`, { firewall_rule: { name: "x" } }),
    403,
    "PolicyNotAuthorized",
    "rule:update_firewall_rule is disallowed by policy",
  );
  expectNeutronError(
    await net(member, "PUT", `${FW}/firewall_rules/${id}`, { firewall_rule: { shared: false } }),
    403,
    "PolicyNotAuthorized",
    "(rule:update_firewall_rule and rule:update_firewall_rule:shared) is disallowed by policy",
  );
  const listed = (await net(other, "GET", `${FW}/firewall_rules`)).json().firewall_rules as Json[];
  assert.deepEqual(
    listed.map((r) => r.name),
    ["common"],
  );
  const admin = (await net(t.adminToken, "GET", `${FW}/firewall_rules?name=web`)).json().firewall_rules;
  assert.equal(admin.length, 1);
  const filtered = (
    await net(
      member,
      "GET",
      `${FW}/firewall_rules?protocol=tcp&fields=name&fields=protocol&sort_key=name&sort_dir=desc`,
    )
  ).json().firewall_rules as Json[];
  assert.ok(filtered.length >= 2);
  assert.deepEqual(Object.keys(filtered[0]!).sort(), ["name", "protocol"]);
  assert.ok(filtered.every((r) => r.protocol === "tcp"));
  const page = await net(member, "GET", `${FW}/firewall_rules?limit=1`);
  assert.equal(page.json().firewall_rules.length, 1);
  assert.ok(page.json().firewall_rules_links);
  expectNeutronError(await net(member, "GET", `${FW}/firewall_rules?colour=red`), 400, "HTTPBadRequest");
  assert.equal((await net(member, "PUT", `${FW}/firewall_rules/${id}/tags/blue`)).statusCode, 201);
  assert.deepEqual((await show(member, `${FW}/firewall_rules/${id}`)).tags, ["blue"]);
  assert.equal((await net(member, "GET", `${FW}/firewall_rules?tags=blue`)).json().firewall_rules.length, 1);
  assert.equal((await net(member, "DELETE", `${FW}/firewall_rules/${id}`)).statusCode, 204);
  assert.deepEqual(await events(id), [
    "firewall_rule.create.end",
    "firewall_rule.update.end",
    "firewall_rule.update.end",
    "firewall_rule.delete.end",
  ]);
});

const ids = (items: unknown) => items as string[];

test("policy: ordered rules, insert_rule / remove_rule and their errors", async () => {
  const [a, b, c, d] = await Promise.all(["a", "b", "c", "d"].map((name) => rule(member, { name })));
  const [ra, rb, rc, rd] = [a, b, c, d].map((r) => String(r!.id)) as [string, string, string, string];
  const created1 = await policy(member, { name: "acl", firewall_rules: [ra, rb] });
  const id = String(created1.id);
  assert.deepEqual(created1.firewall_rules, [ra, rb]);
  assert.equal(created1.audited, false);
  assert.deepEqual((await show(member, `${FW}/firewall_rules/${ra}`)).firewall_policy_id, [id]);
  const action = (name: string, body: unknown, token = member) =>
    net(token, "PUT", `${FW}/firewall_policies/${id}/${name}`, body);
  // No reference: at the top, as Neutron. The answer is the bare policy.
  let answer = await action("insert_rule", { firewall_rule_id: rc });
  assert.equal(answer.statusCode, 200, answer.body);
  assert.deepEqual(answer.json().firewall_rules, [rc, ra, rb]);
  answer = await action("insert_rule", { firewall_rule_id: rd, insert_after: ra });
  assert.deepEqual(answer.json().firewall_rules, [rc, ra, rd, rb]);
  answer = await action("remove_rule", { firewall_rule_id: rd });
  assert.deepEqual(answer.json().firewall_rules, [rc, ra, rb]);
  answer = await action("insert_rule", { firewall_rule_id: rd, insert_before: rb, insert_after: rc });
  assert.deepEqual(answer.json().firewall_rules, [rc, ra, rd, rb]);
  expectNeutronError(
    await action("insert_rule", { firewall_rule_id: ra }),
    409,
    "FirewallRuleAlreadyAssociated",
    `Operation cannot be performed since firewall rule ${ra} is already associated with firewall policy ${id}.`,
  );
  expectNeutronError(
    await action("insert_rule", {}),
    400,
    "FirewallRuleInfoMissing",
    "Missing rule info argument for insert/remove rule operation.",
  );
  const unknown = "00000000-0000-4000-8000-000000000000";
  expectNeutronError(
    await action("insert_rule", { firewall_rule_id: unknown }),
    404,
    "FirewallRuleNotFound",
    `Firewall rule ${unknown} could not be found.`,
  );
  expectNeutronError(await action("insert_rule", { firewall_rule_id: "nope" }), 404, "FirewallRuleNotFound");
  const e = String((await rule(member, { name: "e" })).id);
  expectNeutronError(
    await action("insert_rule", { firewall_rule_id: e, insert_before: unknown }),
    400,
    "FirewallRuleNotAssociatedWithPolicy",
    `Firewall rule ${unknown} is not associated with firewall policy ${id}.`,
  );
  expectNeutronError(
    await action("remove_rule", { firewall_rule_id: e }),
    400,
    "FirewallRuleNotAssociatedWithPolicy",
  );
  expectNeutronError(await action("remove_rule", { firewall_rule_id: unknown }), 404, "FirewallRuleNotFound");
  expectNeutronError(
    await action("insert_rule", { firewall_rule_id: e }, other),
    404,
    "FirewallPolicyNotFound",
  );
  const theirs = String((await rule(other, { name: "theirs" })).id);
  expectNeutronError(await action("insert_rule", { firewall_rule_id: theirs }), 404, "FirewallRuleNotFound");
  // Updating firewall_rules replaces the list and its order.
  const replaced = await net(member, "PUT", `${FW}/firewall_policies/${id}`, {
    firewall_policy: { firewall_rules: [rb, ra], audited: true },
  });
  assert.deepEqual(replaced.json().firewall_policy.firewall_rules, [rb, ra]);
  assert.equal(replaced.json().firewall_policy.audited, true);
  // A rule change makes its policies unaudited: a new policy revision.
  await net(member, "PUT", `${FW}/firewall_rules/${ra}`, { firewall_rule: { name: "a2" } });
  assert.equal((await show(member, `${FW}/firewall_policies/${id}`)).audited, false);
  expectNeutronError(
    await net(member, "PUT", `${FW}/firewall_policies/${id}`, {
      firewall_policy: { firewall_rules: [ra, ra] },
    }),
    400,
    "HTTPBadRequest",
    `Invalid input for firewall_rules. Reason: Duplicate items in the list: '${ra}'.`,
  );
  expectNeutronError(
    await net(member, "PUT", `${FW}/firewall_policies/${id}`, {
      firewall_policy: { firewall_rules: [theirs] },
    }),
    404,
    "FirewallRuleNotFound",
  );
  expectNeutronError(
    await net(member, "DELETE", `${FW}/firewall_rules/${ra}`),
    409,
    "FirewallRuleInUse",
    `Firewall rule ${ra} is being used.`,
  );
  const byRule = (await net(member, "GET", `${FW}/firewall_policies?firewall_rules=${rb}`)).json();
  assert.deepEqual(
    byRule.firewall_policies.map((p: Json) => p.id),
    [id],
  );
  // One rule may sit in several policies (FWaaS v2).
  const second = await policy(member, { name: "second", firewall_rules: [rb] });
  assert.deepEqual(
    ids((await show(member, `${FW}/firewall_rules/${rb}`)).firewall_policy_id).sort(),
    [id, String(second.id)].sort(),
  );
  const kinds = await events(id);
  assert.equal(kinds[0], "firewall_policy.create.end");
  assert.ok(kinds.filter((k) => k === "firewall_policy.update.end").length >= 6);
});

test("policy sharing: admin-only, with shared rules only; another project's private rules refused", async () => {
  const mine = String((await rule(member, { name: "mine" })).id);
  expectNeutronError(
    await net(member, "POST", `${FW}/firewall_policies`, { firewall_policy: { shared: true } }),
    403,
    "PolicyNotAuthorized",
  );
  const shared = await policy(t.adminToken, { name: "adm", project_id: await projectOf(member) });
  const sid = String(shared.id);
  await net(t.adminToken, "PUT", `${FW}/firewall_policies/${sid}`, {
    firewall_policy: { firewall_rules: [mine] },
  });
  expectNeutronError(
    await net(t.adminToken, "PUT", `${FW}/firewall_policies/${sid}`, { firewall_policy: { shared: true } }),
    409,
    "FirewallPolicySharingConflict",
    `Operation cannot be performed. Before sharing firewall policy ${sid}, share associated firewall rule ${mine}.`,
  );
  expectNeutronError(
    await net(t.adminToken, "POST", `${FW}/firewall_policies`, {
      firewall_policy: { shared: true, firewall_rules: [mine] },
    }),
    404,
    "FirewallRuleSharingConflict",
  );
  const theirs = String((await rule(other, { name: "theirs2" })).id);
  expectNeutronError(
    await net(t.adminToken, "PUT", `${FW}/firewall_policies/${sid}`, {
      firewall_policy: { firewall_rules: [theirs] },
    }),
    409,
    "FirewallRuleConflict",
    `Operation cannot be performed since firewall rule ${theirs} is not shared and belongs to another project ${await projectOf(other)}.`,
  );
});

async function projectOf(token: string): Promise<string> {
  return String((await rule(token, { name: "probe" })).project_id);
}

test("group: router interface and VM ports, status, Neutron's port checks", async () => {
  const allow = String((await rule(member, { protocol: "tcp", destination_port: "22", action: "allow" })).id);
  const acl = String((await policy(member, { name: "acl-in", firewall_rules: [allow] })).id);
  const empty = await group(member, { name: "empty" });
  assert.equal(empty.status, "INACTIVE");
  assert.deepEqual(empty.ports, []);
  assert.equal(empty.ingress_firewall_policy_id, null);
  const bound = await group(member, {
    name: "edge",
    ingress_firewall_policy_id: acl,
    ports: [fixture.iface],
  });
  const gid = String(bound.id);
  assert.equal(bound.status, "ACTIVE");
  assert.deepEqual(bound.ports, [fixture.iface]);
  const refused = async (token: string, body: Json, status: number, type: string, message?: string) =>
    expectNeutronError(
      await net(token, "POST", `${FW}/firewall_groups`, { firewall_group: body }),
      status,
      type,
      message,
    );
  await refused(
    member,
    { ports: [fixture.iface] },
    409,
    "FirewallGroupPortInUse",
    `Port(s) ['${fixture.iface}'] provided already associated with other firewall group(s).`,
  );
  await refused(
    member,
    { ports: [fixture.plain] },
    409,
    "FirewallGroupPortInvalid",
    `Port ${fixture.plain} of firewall group is invalid.`,
  );
  await refused(
    member,
    { ports: [fixture.otherIface] },
    404,
    "PortNotFound",
    `Port ${fixture.otherIface} could not be found.`,
  );
  await refused(
    t.adminToken,
    { project_id: await projectOf(member), ports: [fixture.otherIface] },
    409,
    "FirewallGroupPortInvalidProject",
    `Operation cannot be performed as port ${fixture.otherIface} is in an invalid project ${await projectOf(other)}.`,
  );
  const unknown = "00000000-0000-4000-8000-000000000000";
  await refused(
    member,
    { egress_firewall_policy_id: unknown },
    404,
    "FirewallPolicyNotFound",
    `Firewall policy ${unknown} could not be found.`,
  );
  const theirs = String((await policy(other, { name: "their-acl" })).id);
  await refused(member, { egress_firewall_policy_id: theirs }, 404, "FirewallPolicyNotFound");
  await refused(
    t.adminToken,
    { project_id: await projectOf(member), egress_firewall_policy_id: theirs },
    404,
    "FirewallPolicyConflict",
  );
  await refused(member, { shared: true }, 403, "PolicyNotAuthorized");
  await refused(
    member,
    { ports: "x" },
    400,
    "HTTPBadRequest",
    "Invalid input for ports. Reason: 'x' is not a list.",
  );
  const vm = await group(member, { name: "vm", ports: [fixture.vm], admin_state_up: false });
  assert.equal(vm.status, "DOWN");
  // Visibility and filters.
  expectNeutronError(
    await net(other, "GET", `${FW}/firewall_groups/${gid}`),
    404,
    "FirewallGroupNotFound",
    `Firewall group ${gid} could not be found.`,
  );
  assert.equal((await net(other, "GET", `${FW}/firewall_groups`)).json().firewall_groups.length, 0);
  const byPort = (await net(member, "GET", `${FW}/firewall_groups?ports=${fixture.iface}`)).json()
    .firewall_groups;
  assert.deepEqual(
    byPort.map((g: Json) => g.id),
    [gid],
  );
  // Policies in use cannot go; nor a group with ports.
  expectNeutronError(
    await net(member, "DELETE", `${FW}/firewall_policies/${acl}`),
    409,
    "FirewallPolicyInUse",
    `Firewall policy ${acl} is being used.`,
  );
  expectNeutronError(
    await net(member, "DELETE", `${FW}/firewall_groups/${gid}`),
    409,
    "FirewallGroupInUse",
    `Firewall group ${gid} is still active.`,
  );
  // Update: ports replace, egress policy set, a port taken by another group refused.
  const moved = await net(member, "PUT", `${FW}/firewall_groups/${gid}`, {
    firewall_group: { ports: [fixture.iface, fixture.vm] },
  });
  expectNeutronError(moved, 409, "FirewallGroupPortInUse");
  const updated = await net(member, "PUT", `${FW}/firewall_groups/${gid}`, {
    firewall_group: { egress_firewall_policy_id: acl, name: "edge2" },
  });
  assert.equal(updated.statusCode, 200, updated.body);
  assert.equal(updated.json().firewall_group.egress_firewall_policy_id, acl);
  assert.equal(updated.json().firewall_group.revision_number, 2);
  const cleared = await net(member, "PUT", `${FW}/firewall_groups/${gid}`, { firewall_group: { ports: [] } });
  assert.equal(cleared.json().firewall_group.status, "INACTIVE");
  assert.equal((await net(member, "DELETE", `${FW}/firewall_groups/${gid}`)).statusCode, 204);
  assert.equal((await net(member, "DELETE", `${FW}/firewall_policies/${acl}`)).statusCode, 204);
  assert.deepEqual(await events(gid), [
    "firewall_group.create.end",
    "firewall_group.update.end",
    "firewall_group.update.end",
    "firewall_group.delete.end",
  ]);
});

test("loadFirewallGroups: ports and both directions' rules in policy order", async () => {
  const [x, y] = [
    String((await rule(member, { name: "x", protocol: "tcp", destination_port: "80", action: "allow" })).id),
    String((await rule(member, { name: "y", enabled: false, ip_version: 6 })).id),
  ];
  const acl = String((await policy(member, { name: "load", firewall_rules: [y, x] })).id);
  const g = await group(member, {
    name: "loaded",
    ingress_firewall_policy_id: acl,
    egress_firewall_policy_id: null,
    ports: [fixture.iface],
  });
  const loaded = (await loadFirewallGroups(t.ctx.db.as<NetworkTables>())).find((item) => item.id === g.id);
  assert.ok(loaded);
  assert.deepEqual(loaded.ports, [fixture.iface]);
  assert.equal(loaded.ingress_policy_id, acl);
  assert.equal(loaded.egress_policy_id, null);
  assert.deepEqual(loaded.egress_rules, []);
  assert.deepEqual(
    loaded.ingress_rules.map((r) => [r.name, r.enabled, r.ip_version]),
    [
      ["y", false, 6],
      ["x", true, 4],
    ],
  );
  assert.deepEqual(loaded.ingress_rules[1], {
    id: x,
    name: "x",
    enabled: true,
    action: "allow",
    protocol: "tcp",
    ip_version: 4,
    source_ip_address: null,
    destination_ip_address: null,
    source_port: null,
    destination_port: "80",
  });
  // Removing the router interface removes its port, and the binding with it.
  const removed = await net(member, "PUT", `/routers/${fixture.router}/remove_router_interface`, {
    port_id: fixture.iface,
  });
  assert.equal(removed.statusCode, 200, removed.body);
  const after = await show(member, `${FW}/firewall_groups/${String(g.id)}`);
  assert.deepEqual([after.ports, after.status], [[], "INACTIVE"]);
});

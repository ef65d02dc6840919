import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { checkRule, type RuleInput } from "../../src/network/rules.ts";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";

let t: TestApp;
let memberToken = "";
let otherToken = "";
before(async () => {
  t = await startTestApp();
  memberToken = await userInNewProject(t, "alpha");
  otherToken = await userInNewProject(t, "beta");
});
after(() => t.close());

const net = (token: string, method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

const rule = (overrides: Partial<RuleInput>): RuleInput => ({
  security_group_id: "sg",
  direction: "ingress",
  ethertype: "IPv4",
  protocol: null,
  port_range_min: null,
  port_range_max: null,
  remote_ip_prefix: null,
  remote_group_id: null,
  ...overrides,
});

test("rule validation follows Neutron (unit)", () => {
  const refuse = (overrides: Partial<RuleInput>, type: string) =>
    assert.throws(
      () => checkRule(rule(overrides)),
      (error: Error) => error.name === type,
      type,
    );
  refuse({ protocol: "tcp", port_range_min: 30, port_range_max: 22 }, "SecurityGroupInvalidPortRange");
  refuse({ protocol: "udp", port_range_min: 0 }, "SecurityGroupInvalidPortValue");
  refuse({ protocol: "icmp", port_range_min: 300 }, "SecurityGroupInvalidIcmpValue");
  refuse({ protocol: "icmp", port_range_max: 0 }, "SecurityGroupMissingIcmpType");
  refuse({ port_range_min: 22 }, "SecurityGroupProtocolRequiredWithPorts");
  refuse({ protocol: "bogus" }, "SecurityGroupRuleInvalidProtocol");
  refuse({ protocol: "256" }, "SecurityGroupRuleInvalidProtocol");
  refuse({ ethertype: "IPv6", remote_ip_prefix: "10.0.0.0/8" }, "SecurityGroupRuleParameterConflict");
  refuse({ remote_ip_prefix: "10.0.0.0/8", remote_group_id: "x" }, "SecurityGroupMultipleRemoteEntites");
  assert.equal(checkRule(rule({ protocol: "tcp", port_range_min: 22 })).port_range_max, 22, "a single port");
  assert.equal(checkRule(rule({ protocol: "icmp", port_range_min: 8, port_range_max: 0 })).port_range_min, 8);
  assert.equal(checkRule(rule({ protocol: "17", port_range_min: 53, port_range_max: 53 })).protocol, "17");
});

test("each project gets one default group with Neutron's four rules, even when asked concurrently", async () => {
  const lists = await Promise.all(
    Array.from({ length: 4 }, () => net(memberToken, "GET", "/security-groups")),
  );
  const ids = new Set(lists.flatMap((r) => r.json().security_groups.map((g: { id: string }) => g.id)));
  assert.equal(ids.size, 1, "one default group");
  const group = lists[0]?.json().security_groups[0];
  assert.equal(group.name, "default");
  const rules = group.security_group_rules.map(
    (r: { direction: string; ethertype: string; remote_group_id: string | null }) =>
      `${r.direction}/${r.ethertype}/${r.remote_group_id === group.id ? "self" : "any"}`,
  );
  assert.deepEqual(rules.sort(), [
    "egress/IPv4/any",
    "egress/IPv6/any",
    "ingress/IPv4/self",
    "ingress/IPv6/self",
  ]);
  const theirs = (await net(otherToken, "GET", "/security-groups")).json().security_groups;
  assert.equal(theirs.length, 1);
  assert.notEqual(theirs[0].id, group.id, "projects do not share default groups");
});

test("groups and rules: create, duplicate rule 409, errors in Neutron's shape, delete in use 409", async () => {
  const created = await net(memberToken, "POST", "/security-groups", { security_group: { name: "web" } });
  assert.equal(created.statusCode, 201);
  const group = created.json().security_group;
  assert.equal(group.security_group_rules.length, 2, "a new group lets everything out");
  const ssh = {
    security_group_id: group.id,
    direction: "ingress",
    protocol: "tcp",
    port_range_min: 22,
    port_range_max: 22,
    remote_ip_prefix: "0.0.0.0/0",
  };
  const first = await net(memberToken, "POST", "/security-group-rules", { security_group_rule: ssh });
  assert.equal(first.statusCode, 201);
  assert.equal(first.json().security_group_rule.normalized_cidr, "0.0.0.0/0");
  const again = await net(memberToken, "POST", "/security-group-rules", { security_group_rule: ssh });
  assert.equal(again.statusCode, 409);
  assert.deepEqual(again.json(), {
    NeutronError: {
      type: "SecurityGroupRuleExists",
      message: `Security group rule already exists. Rule id is ${first.json().security_group_rule.id}.`,
      detail: "",
    },
  });
  const sideways = await net(memberToken, "POST", "/security-group-rules", {
    security_group_rule: { security_group_id: group.id, direction: "sideways" },
  });
  assert.equal(
    sideways.json().NeutronError.message,
    "Invalid input for direction. Reason: sideways is not in valid_values.",
  );
  const foreign = await net(otherToken, "POST", "/security-group-rules", {
    security_group_rule: { security_group_id: group.id, direction: "ingress" },
  });
  assert.equal(foreign.statusCode, 404);
  assert.equal(foreign.json().NeutronError.type, "SecurityGroupNotFound");

  const network = (await net(memberToken, "POST", "/networks", { network: { name: "sg-net" } })).json()
    .network.id;
  const port = (
    await net(memberToken, "POST", "/ports", { port: { network_id: network, security_groups: [group.id] } })
  ).json().port;
  assert.deepEqual(port.security_groups, [group.id]);
  const inUse = await net(memberToken, "DELETE", `/security-groups/${group.id}`);
  assert.equal(inUse.statusCode, 409);
  assert.equal(inUse.json().NeutronError.type, "SecurityGroupInUse");
  const plain = (await net(memberToken, "POST", "/ports", { port: { network_id: network } })).json().port;
  const defaultGroup = (await net(memberToken, "GET", "/security-groups?name=default")).json()
    .security_groups[0].id;
  assert.deepEqual(plain.security_groups, [defaultGroup], "ports get the default group");
  const insecure = await net(memberToken, "POST", "/ports", {
    port: { network_id: network, port_security_enabled: false, security_groups: [group.id] },
  });
  assert.equal(insecure.json().NeutronError.type, "PortSecurityAndIPRequiredForSecurityGroups");
  assert.equal((await net(memberToken, "DELETE", `/ports/${port.id}`)).statusCode, 204);
  assert.equal((await net(memberToken, "DELETE", `/security-groups/${group.id}`)).statusCode, 204);
  const removeDefault = await net(memberToken, "DELETE", `/security-groups/${defaultGroup}`);
  assert.equal(removeDefault.statusCode, 409);
});

test("rules count against the security_group_rule quota", async () => {
  const project = (await net(memberToken, "GET", "/security-groups?name=default")).json().security_groups[0]
    .project_id;
  await net(t.adminToken, "PUT", `/quotas/${project}`, { quota: { security_group_rule: 6 } });
  const group = (
    await net(memberToken, "POST", "/security-groups", { security_group: { name: "limited" } })
  ).json().security_group;
  // 4 default rules + 2 egress rules of the new group are in use: the next one is over quota.
  const over = await net(memberToken, "POST", "/security-group-rules", {
    security_group_rule: {
      security_group_id: group.id,
      direction: "ingress",
      protocol: "tcp",
      port_range_min: 80,
    },
  });
  assert.equal(over.statusCode, 409);
  assert.equal(over.json().NeutronError.type, "OverQuota");
});

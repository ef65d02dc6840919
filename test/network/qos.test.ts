import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";
import { createdOn, netOf, startQosFixture, type Method } from "./qos-fixture.ts";

/** QoS policies, their rules and rule types [qos, qos-bw-limit-direction, qos-rule-type-details]. */

let t: TestApp;
let alpha = "";
let beta = "";
let alphaProject = "";
let policy = { alpha: "", gold: "", admin: "" };

const net = (token: string, method: Method, url: string, body?: unknown) =>
  netOf(t)(token, method, url, body);
const created = (token: string, url: string, body: unknown) => createdOn(t, token, url, body);

before(async () => {
  ({ t, alpha, beta, alphaProject, policy } = await startQosFixture());
});

after(() => t.close());

async function qosEvents(id: string): Promise<string[]> {
  const rows = await t.ctx.db
    .as<{ events: { seq: number; type: string; resource_id: string | null } }>()
    .selectFrom("events")
    .select("type")
    .where("resource_id", "=", id)
    .orderBy("seq")
    .execute();
  return rows.map((row) => row.type);
}

test("the QoS extensions are advertised", async () => {
  const aliases = (await net(alpha, "GET", "/extensions"))
    .json()
    .extensions.map((e: { alias: string }) => e.alias);
  for (const alias of ["qos", "qos-bw-limit-direction", "qos-fip", "qos-gateway-ip", "qos-rule-type-details"])
    assert.ok(aliases.includes(alias), alias);
});

test("only admins create, update and delete policies (Neutron's default policy)", async () => {
  expectNeutronError(
    await net(alpha, "POST", "/qos/policies", { policy: { name: "mine" } }),
    403,
    "PolicyNotAuthorized",
    "rule:create_policy is disallowed by policy",
  );
  expectNeutronError(
    await net(alpha, "PUT", `/qos/policies/${policy.alpha}`, { policy: { name: "x" } }),
    403,
    "PolicyNotAuthorized",
    "rule:update_policy is disallowed by policy",
  );
  expectNeutronError(
    await net(alpha, "DELETE", `/qos/policies/${policy.gold}`),
    403,
    "PolicyNotAuthorized",
    "rule:delete_policy is disallowed by policy",
  );
});

test("a policy shows Neutron's attributes", async () => {
  const shown = (await net(alpha, "GET", `/qos/policies/${policy.alpha}`)).json().policy;
  assert.deepEqual(Object.keys(shown).sort(), [
    "created_at",
    "description",
    "id",
    "name",
    "project_id",
    "revision_number",
    "rules",
    "shared",
    "tags",
    "tenant_id",
    "updated_at",
  ]);
  assert.equal(shown.project_id, alphaProject);
  assert.equal(shown.tenant_id, alphaProject);
  assert.equal(shown.shared, false);
  assert.deepEqual(shown.rules, []);
  assert.equal(shown.description, "for alpha");
  assert.equal(shown.revision_number, 1);
});

test("a project sees its own and shared policies; another's is 404; admins see all", async () => {
  const names = async (token: string, query = "") =>
    (await net(token, "GET", `/qos/policies${query}`))
      .json()
      .policies.map((p: { name: string }) => p.name)
      .sort();
  assert.deepEqual(await names(alpha), ["alpha-limit", "gold"]);
  assert.deepEqual(await names(beta), ["gold"]);
  assert.deepEqual(await names(t.adminToken), ["admin-private", "alpha-limit", "gold"]);
  expectNeutronError(
    await net(beta, "GET", `/qos/policies/${policy.alpha}`),
    404,
    "QosPolicyNotFound",
    `QoS policy ${policy.alpha} could not be found.`,
  );
  assert.equal((await net(beta, "GET", `/qos/policies/${policy.gold}`)).statusCode, 200);
});

test("policies filter, sort, page and select fields like any collection", async () => {
  const list = async (query: string) => (await net(t.adminToken, "GET", `/qos/policies?${query}`)).json();
  assert.deepEqual(
    (await list("shared=true")).policies.map((p: { id: string }) => p.id),
    [policy.gold],
  );
  assert.deepEqual((await list("name=alpha-limit&fields=id&fields=name")).policies, [
    { id: policy.alpha, name: "alpha-limit" },
  ]);
  assert.deepEqual(
    (await list("sort_key=name&sort_dir=desc")).policies.map((p: { name: string }) => p.name),
    ["gold", "alpha-limit", "admin-private"],
  );
  const page = await list("sort_key=name&sort_dir=asc&limit=2");
  assert.equal(page.policies.length, 2);
  assert.equal(page.policies_links[0].rel, "next");
  expectNeutronError(
    await net(t.adminToken, "GET", "/qos/policies?color=red"),
    400,
    "HTTPBadRequest",
    "['color'] is invalid attribute for filtering",
  );
  const one = (await net(alpha, "GET", `/qos/policies/${policy.gold}?fields=shared`)).json();
  assert.deepEqual(one, { policy: { shared: true } });
});

test("admins update a policy: new revision, and tags", async () => {
  const before = (await net(t.adminToken, "GET", `/qos/policies/${policy.admin}`)).json().policy;
  const updated = await net(t.adminToken, "PUT", `/qos/policies/${policy.admin}`, {
    policy: { description: "private limit" },
  });
  assert.equal(updated.statusCode, 200, updated.body);
  assert.equal(updated.json().policy.description, "private limit");
  assert.equal(updated.json().policy.revision_number, before.revision_number + 1);
  expectNeutronError(
    await net(t.adminToken, "PUT", `/qos/policies/${policy.admin}`, { policy: { rules: [] } }),
    400,
    "HTTPBadRequest",
    "Cannot update read-only attribute rules",
  );
  const tagged = await net(t.adminToken, "PUT", `/qos/policies/${policy.admin}/tags/red`);
  assert.equal(tagged.statusCode, 201);
  const byTag = (await net(t.adminToken, "GET", "/qos/policies?tags=red")).json().policies;
  assert.deepEqual(
    byTag.map((p: { id: string }) => p.id),
    [policy.admin],
  );
});

test("bandwidth limit rules: defaults, one per direction, Neutron's checks", async () => {
  const base = `/qos/policies/${policy.alpha}/bandwidth_limit_rules`;
  const egress = await created(t.adminToken, base, { bandwidth_limit_rule: { max_kbps: 1000 } });
  assert.deepEqual(Object.keys(egress).sort(), ["direction", "id", "max_burst_kbps", "max_kbps"]);
  assert.equal(egress.direction, "egress");
  assert.equal(egress.max_burst_kbps, 0);
  expectNeutronError(
    await net(t.adminToken, "POST", base, { bandwidth_limit_rule: { max_kbps: 5, direction: "egress" } }),
    409,
    "QoSRulesConflict",
    `Rule bandwidth_limit conflicts with rule ${String(egress.id)} which already exists in QoS Policy ${policy.alpha}.`,
  );
  const ingress = await created(t.adminToken, base, {
    bandwidth_limit_rule: { max_kbps: "2000", max_burst_kbps: 300, direction: "ingress" },
  });
  assert.equal(ingress.max_kbps, 2000);
  expectNeutronError(
    await net(t.adminToken, "POST", base, { bandwidth_limit_rule: { max_kbps: 1, direction: "sideways" } }),
    400,
    "HTTPBadRequest",
    "Invalid input for direction. Reason: sideways is not in valid_values.",
  );
  expectNeutronError(
    await net(t.adminToken, "POST", base, { bandwidth_limit_rule: { max_kbps: -1 } }),
    400,
    "HTTPBadRequest",
    "Invalid input for max_kbps. Reason: '-1' is not in range 0 through 2147483647.",
  );
  expectNeutronError(
    await net(t.adminToken, "POST", base, { bandwidth_limit_rule: { max_burst_kbps: 1 } }),
    400,
    "HTTPBadRequest",
    "Failed to parse request. Required attribute 'max_kbps' not specified",
  );
  expectNeutronError(
    await net(alpha, "POST", base, { bandwidth_limit_rule: { max_kbps: 1 } }),
    403,
    "PolicyNotAuthorized",
    "rule:create_policy_bandwidth_limit_rule is disallowed by policy",
  );
  // Moving the ingress limit onto egress clashes; changing its rate does not.
  expectNeutronError(
    await net(t.adminToken, "PUT", `${base}/${String(ingress.id)}`, {
      bandwidth_limit_rule: { direction: "egress" },
    }),
    409,
    "QoSRulesConflict",
  );
  const changed = await net(t.adminToken, "PUT", `${base}/${String(ingress.id)}`, {
    bandwidth_limit_rule: { max_kbps: 2500 },
  });
  assert.equal(changed.statusCode, 200, changed.body);
  assert.deepEqual(changed.json().bandwidth_limit_rule, {
    id: ingress.id,
    max_kbps: 2500,
    max_burst_kbps: 300,
    direction: "ingress",
  });
});

test("rules are read by whoever sees the policy, listed, filtered, shown and deleted", async () => {
  const base = `/qos/policies/${policy.alpha}/bandwidth_limit_rules`;
  const listed = (await net(alpha, "GET", base)).json().bandwidth_limit_rules;
  assert.equal(listed.length, 2);
  const ingress = (await net(alpha, "GET", `${base}?direction=ingress&fields=id&fields=max_kbps`)).json();
  assert.deepEqual(Object.keys(ingress.bandwidth_limit_rules[0]).sort(), ["id", "max_kbps"]);
  const id = String(ingress.bandwidth_limit_rules[0].id);
  assert.equal((await net(alpha, "GET", `${base}/${id}`)).json().bandwidth_limit_rule.direction, "ingress");
  expectNeutronError(await net(beta, "GET", base), 404, "QosPolicyNotFound");
  const deleted = await net(t.adminToken, "DELETE", `${base}/${id}`);
  assert.equal(deleted.statusCode, 204);
  expectNeutronError(
    await net(alpha, "GET", `${base}/${id}`),
    404,
    "QosRuleNotFound",
    `QoS rule ${id} for policy ${policy.alpha} could not be found.`,
  );
  expectNeutronError(await net(t.adminToken, "DELETE", `${base}/${id}`), 404, "QosRuleNotFound");
});

test("DSCP marking: Neutron's valid marks, one per policy", async () => {
  const base = `/qos/policies/${policy.alpha}/dscp_marking_rules`;
  expectNeutronError(
    await net(t.adminToken, "POST", base, { dscp_marking_rule: { dscp_mark: 27 } }),
    400,
    "HTTPBadRequest",
    "Invalid input for dscp_mark. Reason: 27 is not in valid_values.",
  );
  const mark = await created(t.adminToken, base, { dscp_marking_rule: { dscp_mark: 26 } });
  assert.deepEqual(Object.keys(mark).sort(), ["dscp_mark", "id"]);
  expectNeutronError(
    await net(t.adminToken, "POST", base, { dscp_marking_rule: { dscp_mark: 46 } }),
    409,
    "QoSRulesConflict",
    `Rule dscp_marking conflicts with rule ${String(mark.id)} which already exists in QoS Policy ${policy.alpha}.`,
  );
  const updated = await net(t.adminToken, "PUT", `${base}/${String(mark.id)}`, {
    dscp_marking_rule: { dscp_mark: 46 },
  });
  assert.equal(updated.json().dscp_marking_rule.dscp_mark, 46);
  assert.equal((await net(alpha, "GET", `${base}?dscp_mark=46`)).json().dscp_marking_rules.length, 1);
});

test("a policy lists its rules with type and policy id; rule changes are policy revisions", async () => {
  const shown = (await net(alpha, "GET", `/qos/policies/${policy.alpha}`)).json().policy;
  const types = shown.rules.map((r: { type: string }) => r.type).sort();
  assert.deepEqual(types, ["bandwidth_limit", "dscp_marking"]);
  const limit = shown.rules.find((r: { type: string }) => r.type === "bandwidth_limit");
  assert.deepEqual(Object.keys(limit).sort(), [
    "direction",
    "id",
    "max_burst_kbps",
    "max_kbps",
    "qos_policy_id",
    "type",
  ]);
  assert.equal(limit.qos_policy_id, policy.alpha);
  // 1 + egress + ingress + ingress update + ingress delete + mark + mark update.
  assert.equal(shown.revision_number, 7);
  const events = await qosEvents(policy.alpha);
  assert.equal(events[0], "qos_policy.create.end");
  assert.equal(events.filter((type) => type === "qos_policy.update.end").length, 6);
});

test("rule types: admins see them and their drivers; others get none", async () => {
  const listed = (await net(t.adminToken, "GET", "/qos/rule-types")).json();
  assert.deepEqual(listed, { rule_types: [{ type: "bandwidth_limit" }, { type: "dscp_marking" }] });
  const limit = (await net(t.adminToken, "GET", "/qos/rule-types/bandwidth_limit")).json().rule_type;
  assert.equal(limit.type, "bandwidth_limit");
  assert.equal(limit.drivers[0].name, "virtual");
  assert.deepEqual(
    limit.drivers[0].supported_parameters.map((p: { parameter_name: string }) => p.parameter_name),
    ["max_kbps", "max_burst_kbps", "direction"],
  );
  const dscp = (await net(t.adminToken, "GET", "/qos/rule-types/dscp_marking")).json().rule_type;
  assert.equal(dscp.drivers[0].supported_parameters[0].parameter_values.length, 21);
  expectNeutronError(
    await net(t.adminToken, "GET", "/qos/rule-types/minimum_bandwidth"),
    404,
    "HTTPNotFound",
  );
  assert.deepEqual((await net(alpha, "GET", "/qos/rule-types")).json(), { rule_types: [] });
  expectNeutronError(
    await net(alpha, "GET", "/qos/rule-types/dscp_marking"),
    403,
    "NotAuthorized",
    "Not authorized.",
  );
});

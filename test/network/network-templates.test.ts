import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, passwordToken, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

/** [network-templates]: templates (CRUD, checks, shipped examples), instantiate, rollback, instances. */

let t: TestApp;
let alpha = "";
let beta = "";
let alphaProject = "";
let reader = "";
const THREE_TIER = "5f0d3c8e-7b1a-4c2e-9a51-3e7c1b2a0001";
const DMZ = "5f0d3c8e-7b1a-4c2e-9a51-3e7c1b2a0002";

type Method = "GET" | "POST" | "PUT" | "DELETE";
const net = (token: string, method: Method, url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

async function ok<T = Record<string, unknown>>(
  token: string,
  method: Method,
  url: string,
  body?: unknown,
  status = 200,
): Promise<T> {
  const response = await net(token, method, url, body);
  assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
  return (response.body === "" ? {} : Object.values(response.json())[0]) as T;
}

interface Instance {
  id: string;
  name: string;
  template_id: string;
  vpc_id: string;
  project_id: string;
  status: string;
  parameters: Record<string, unknown>;
  resources: Array<{ type: string; name: string; id: string }>;
}
interface Vpc {
  id: string;
  router_id: string;
  main_route_table_id: string;
}

const newVpc = (token: string, name: string, cidr = "10.0.0.0/16") =>
  ok<Vpc>(token, "POST", "/vpcs", { vpc: { name, cidrs: [cidr] } }, 201);
const instantiate = (token: string, templateId: string, body: unknown) =>
  net(token, "POST", `/network-templates/${templateId}/instantiate`, body);

/** What a VPC holds, as a user sees it through the plain APIs: enough to prove "left as before". */
async function snapshot(token: string, vpc: Vpc) {
  const ids = async (url: string) =>
    (await ok<Array<{ id: string }>>(token, "GET", url)).map((item) => item.id).sort();
  return {
    subnets: await ids("/subnets"),
    networks: await ids("/networks"),
    ports: await ids(`/ports?device_id=${vpc.router_id}`),
    groups: await ids("/security-groups"),
    tables: await ids(`/route-tables?vpc_id=${vpc.id}`),
    mainRoutes: (await ok<{ routes: unknown[] }>(token, "GET", `/route-tables/${vpc.main_route_table_id}`))
      .routes,
    firewallGroups: await ids("/fwaas/firewall_groups"),
    firewallPolicies: await ids("/fwaas/firewall_policies"),
    firewallRules: await ids("/fwaas/firewall_rules"),
    instances: await ids("/network-template-instances"),
    floatingIps: (await ok<Array<{ id: string; router_id: string | null }>>(token, "GET", "/floatingips"))
      .map((fip) => `${fip.id} via ${fip.router_id}`)
      .sort(),
  };
}

before(async () => {
  t = await startTestApp();
  alpha = await userInNewProject(t, "tpl-alpha");
  beta = await userInNewProject(t, "tpl-beta");
  const projects = await call(t.app, t.adminToken, "GET", "/identity/v3/projects?name=tpl-alpha");
  alphaProject = String(projects.json().projects[0].id);
  const admin = (method: "GET" | "POST" | "PUT", url: string, body?: unknown) =>
    call(t.app, t.adminToken, method, `/identity/v3${url}`, body);
  const roleId = String((await admin("GET", "/roles?name=reader")).json().roles[0].id);
  const user = { name: "tpl-reader", password: "pw" };
  const userId = String((await admin("POST", "/users", { user })).json().user.id);
  await admin("PUT", `/projects/${alphaProject}/users/${userId}/roles/${roleId}`);
  reader = await passwordToken(t.app, user.name, user.password, "tpl-alpha");
});
after(() => t.close());

test("network-templates is advertised and the two shipped templates are public and read-only", async () => {
  const extension = await ok<{ name: string }>(alpha, "GET", "/extensions/network-templates");
  assert.equal(extension.name, "Application network templates");
  const listed = await ok<Array<Record<string, unknown>>>(
    beta,
    "GET",
    "/network-templates?sort_key=name&sort_dir=asc",
  );
  assert.deepEqual(
    listed.map((template) => [template.name, template.project_id, template.shared, template.read_only]),
    [
      ["dmz-private", "", true, true],
      ["three-tier-web", "", true, true],
    ],
  );
  const shipped = await ok<{ parameters: Record<string, { type: string }>; resources: unknown[] }>(
    alpha,
    "GET",
    `/network-templates/${THREE_TIER}`,
  );
  assert.equal(shipped.parameters.web_cidr?.type, "cidr");
  assert.equal(shipped.resources.length, 8);
  for (const token of [alpha, t.adminToken]) {
    const change = await net(token, "PUT", `/network-templates/${DMZ}`, { network_template: { name: "x" } });
    expectNeutronError(change, 403, "NetworkTemplateReadOnly");
    expectNeutronError(
      await net(token, "DELETE", `/network-templates/${DMZ}`),
      403,
      "NetworkTemplateReadOnly",
    );
  }
  expectNeutronError(
    await net(alpha, "PUT", `/network-templates/${DMZ}/tags/a`),
    403,
    "NetworkTemplateReadOnly",
  );
});

const custom = {
  name: "two-subnets",
  description: "a pair",
  parameters: {
    first: { type: "cidr", description: "first CIDR" },
    zone: { type: "string", default: "nova" },
  },
  resources: [
    { type: "subnet", name: "a", cidr: "{{first}}", availability_zone: "{{zone}}" },
    { type: "subnet", name: "b", cidr: "10.0.9.0/24" },
    {
      type: "route",
      name: "blackhole",
      route_table: "main",
      destination: "192.0.2.0/24",
      nexthop_type: "blackhole",
    },
  ],
};

test("a project's template: create, show, list, update, tags, delete (Neutron conventions)", async () => {
  const created = await ok<Record<string, unknown> & { id: string }>(
    alpha,
    "POST",
    "/network-templates",
    { network_template: custom },
    201,
  );
  assert.deepEqual(
    { ...created, id: "", created_at: "", updated_at: "" },
    {
      id: "",
      name: "two-subnets",
      description: "a pair",
      tenant_id: alphaProject,
      project_id: alphaProject,
      shared: false,
      read_only: false,
      parameters: {
        first: { type: "cidr", description: "first CIDR" },
        zone: { type: "string", default: "nova", description: "" },
      },
      resources: custom.resources,
      tags: [],
      created_at: "",
      updated_at: "",
      revision_number: 1,
    },
  );
  const mine = await ok<Array<{ id: string }>>(alpha, "GET", "/network-templates?read_only=false&fields=id");
  assert.deepEqual(mine, [{ id: created.id }]);
  const renamed = await ok<{ name: string; revision_number: number }>(
    alpha,
    "PUT",
    `/network-templates/${created.id}`,
    { network_template: { name: "renamed" } },
  );
  assert.deepEqual([renamed.name, renamed.revision_number], ["renamed", 2]);
  await ok(alpha, "PUT", `/network-templates/${created.id}/tags/web`, undefined, 201);
  assert.deepEqual((await ok<{ tags: string[] }>(alpha, "GET", `/network-templates/${created.id}`)).tags, [
    "web",
  ]);
  const stale = await t.app.inject({
    method: "PUT",
    url: `/networking/v2.0/network-templates/${created.id}`,
    headers: { "x-auth-token": alpha, "if-match": "revision_number=1" },
    payload: { network_template: { name: "again" } },
  });
  expectNeutronError(stale, 412, "RevisionNumberConstraintFailed");
  await ok(alpha, "DELETE", `/network-templates/${created.id}`, undefined, 204);
  expectNeutronError(
    await net(alpha, "GET", `/network-templates/${created.id}`),
    404,
    "NetworkTemplateNotFound",
  );
});

test("another project's template is 404; sharing one is admin-only; readers of shared ones cannot change them", async () => {
  const theirs = await ok<{ id: string }>(
    beta,
    "POST",
    "/network-templates",
    { network_template: custom },
    201,
  );
  for (const [method, body] of [
    ["GET", undefined],
    ["PUT", { network_template: { name: "mine" } }],
    ["DELETE", undefined],
  ] as const)
    expectNeutronError(
      await net(alpha, method, `/network-templates/${theirs.id}`, body),
      404,
      "NetworkTemplateNotFound",
    );
  const vpc = await newVpc(alpha, "visibility");
  expectNeutronError(
    await instantiate(alpha, theirs.id, { vpc_id: vpc.id, parameters: { first: "10.0.1.0/24" } }),
    404,
    "NetworkTemplateNotFound",
  );
  expectNeutronError(
    await net(alpha, "POST", "/network-templates", { network_template: { ...custom, shared: true } }),
    403,
    "PolicyNotAuthorized",
  );
  const shared = await ok<{ id: string; shared: boolean }>(
    t.adminToken,
    "POST",
    "/network-templates",
    { network_template: { ...custom, name: "cloud-wide", shared: true } },
    201,
  );
  assert.equal(shared.shared, true);
  assert.ok(
    (await ok<Array<{ id: string }>>(alpha, "GET", "/network-templates")).some((x) => x.id === shared.id),
  );
  const change = await net(alpha, "PUT", `/network-templates/${shared.id}`, {
    network_template: { name: "x" },
  });
  expectNeutronError(change, 403, "PolicyNotAuthorized");
  // Beta's VPC is not alpha's to build in.
  const betaVpc = await newVpc(beta, "theirs");
  expectNeutronError(await instantiate(alpha, THREE_TIER, { vpc_id: betaVpc.id }), 404, "VpcNotFound");
  await ok(beta, "DELETE", `/network-templates/${theirs.id}`, undefined, 204);
  await ok(t.adminToken, "DELETE", `/network-templates/${shared.id}`, undefined, 204);
});

test("a template is checked on create and update: 400 naming the bad item", async () => {
  const cases: Array<[unknown, unknown, string]> = [
    [{}, [{ type: "router", name: "r" }], "resources[0].type"],
    [{}, [{ type: "subnet", name: "a", cidr: "{{nope}}" }], "resources[0].cidr: unknown parameter 'nope'"],
    [{}, [{ type: "subnet", name: "a", cidr: "10.0.0.0/33" }], "resources[0].cidr"],
    [{}, [{ type: "subnet", name: "a" }], "resources[0].cidr: required"],
    [
      {},
      [{ type: "subnet", name: "a", cidr: "10.0.1.0/24", color: "red" }],
      "resources[0].color: unknown field",
    ],
    [
      {},
      [
        { type: "subnet", name: "a", cidr: "10.0.1.0/24" },
        { type: "subnet", name: "a", cidr: "10.0.2.0/24" },
      ],
      "resources[1].name",
    ],
    [
      {},
      [{ type: "route_table", name: "t", subnets: ["later"] }],
      "resources[0].subnets[0]: no earlier subnet",
    ],
    [
      {},
      [
        {
          type: "route",
          name: "r",
          route_table: "other",
          destination: "0.0.0.0/0",
          nexthop_type: "blackhole",
        },
      ],
      "resources[0].route_table: no earlier route_table",
    ],
    [
      {},
      [{ type: "security_group", name: "g", rules: [{ direction: "ingress", remote_group: "h" }] }],
      "resources[0].rules[0].remote_group",
    ],
    [
      {},
      [{ type: "acl", name: "n", subnets: [], ingress_rules: [{ action: "maybe" }] }],
      "resources[0].ingress_rules[0].action",
    ],
    [{ p: { type: "float" } }, [], "parameters.p.type"],
    [{ p: { type: "integer", default: "eight" } }, [], "parameters.p.default"],
    [{}, { type: "subnet" }, "resources: "],
  ];
  for (const [parameters, resources, where] of cases) {
    const response = await net(alpha, "POST", "/network-templates", {
      network_template: { parameters, resources },
    });
    expectNeutronError(response, 400, "InvalidNetworkTemplate");
    assert.ok(response.json().NeutronError.message.includes(where), `${where}: ${response.body}`);
  }
  const created = await ok<{ id: string }>(
    alpha,
    "POST",
    "/network-templates",
    { network_template: custom },
    201,
  );
  const bad = await net(alpha, "PUT", `/network-templates/${created.id}`, {
    network_template: { parameters: {} },
  });
  expectNeutronError(bad, 400, "InvalidNetworkTemplate");
  assert.match(bad.json().NeutronError.message, /resources\[0\]\.cidr: unknown parameter 'first'/);
  await ok(alpha, "DELETE", `/network-templates/${created.id}`, undefined, 204);
});

test("instantiating three-tier-web makes every resource, named after the instance, associated and bound", async () => {
  const vpc = await newVpc(alpha, "shop");
  const instance = await ok<Instance>(
    alpha,
    "POST",
    `/network-templates/${THREE_TIER}/instantiate`,
    { vpc_id: vpc.id, name: "shop", parameters: { app_port: 9000 } },
    201,
  );
  assert.deepEqual(
    [instance.template_id, instance.vpc_id, instance.project_id, instance.status],
    [THREE_TIER, vpc.id, alphaProject, "ACTIVE"],
  );
  assert.deepEqual(instance.parameters, {
    web_cidr: "10.0.1.0/24",
    app_cidr: "10.0.2.0/24",
    db_cidr: "10.0.3.0/24",
    az: "nova",
    app_port: 9000,
    db_port: 5432,
  });
  assert.deepEqual(
    instance.resources.map((made) => `${made.type}:${made.name}`),
    [
      "subnet:web",
      "subnet:app",
      "subnet:db",
      "security_group:web-sg",
      "security_group:app-sg",
      "security_group:db-sg",
      "route_table:private",
      "acl:db-acl",
    ],
  );
  const id = (name: string) => instance.resources.find((made) => made.name === name)!.id;
  const web = await ok<{ name: string; cidr: string }>(alpha, "GET", `/subnets/${id("web")}`);
  assert.deepEqual([web.name, web.cidr], ["shop-web", "10.0.1.0/24"]);
  const app = await ok<{ security_group_rules: Array<Record<string, unknown>> }>(
    alpha,
    "GET",
    `/security-groups/${id("app-sg")}`,
  );
  const ingress = app.security_group_rules.filter((rule) => rule.direction === "ingress");
  assert.deepEqual(
    ingress.map((rule) => [rule.protocol, rule.port_range_min, rule.remote_group_id]),
    [["tcp", 9000, id("web-sg")]],
  );
  const table = await ok<{ name: string; subnets: string[] }>(alpha, "GET", `/route-tables/${id("private")}`);
  assert.deepEqual([table.name, [...table.subnets].sort()], ["shop-private", [id("app"), id("db")].sort()]);
  const acl = await ok<{
    ports: string[];
    egress_firewall_policy_id: string;
    ingress_firewall_policy_id: null;
  }>(alpha, "GET", `/fwaas/firewall_groups/${id("db-acl")}`);
  const legs = await ok<Array<{ id: string }>>(
    alpha,
    "GET",
    `/ports?device_id=${vpc.router_id}&fixed_ips=subnet_id=${id("db")}`,
  );
  assert.deepEqual(
    acl.ports,
    legs.map((leg) => leg.id),
  );
  assert.equal(acl.ingress_firewall_policy_id, null, "no rules out of the subnet: no policy that way");
  const into = await ok<{ firewall_rules: string[] }>(
    alpha,
    "GET",
    `/fwaas/firewall_policies/${acl.egress_firewall_policy_id}`,
  );
  const deny = await ok<{ action: string; source_ip_address: string }>(
    alpha,
    "GET",
    `/fwaas/firewall_rules/${into.firewall_rules[0]}`,
  );
  assert.deepEqual([deny.action, deny.source_ip_address], ["deny", "10.0.1.0/24"]);
  const listed = await ok<Instance[]>(alpha, "GET", "/network-template-instances");
  assert.deepEqual(
    listed.map((x) => x.id),
    [instance.id],
  );
  assert.equal((await ok<Instance>(alpha, "GET", `/network-template-instances/${instance.id}`)).name, "shop");
  expectNeutronError(
    await net(beta, "GET", `/network-template-instances/${instance.id}`),
    404,
    "NetworkTemplateInstanceNotFound",
  );
  assert.deepEqual(await ok(beta, "GET", "/network-template-instances"), []);
  expectNeutronError(
    await net(alpha, "DELETE", `/network-templates/${THREE_TIER}`),
    403,
    "NetworkTemplateReadOnly",
  );

  // Deleting: refused while a VM port sits on a subnet, with nothing deleted; then all of it goes.
  const network = (await ok<{ network_id: string }>(alpha, "GET", `/subnets/${id("app")}`)).network_id;
  const vm = await ok<{ id: string }>(alpha, "POST", "/ports", { port: { network_id: network } }, 201);
  const before = await snapshot(alpha, vpc);
  const busy = await net(alpha, "DELETE", `/network-template-instances/${instance.id}`);
  expectNeutronError(busy, 409, "NetworkTemplateInstanceInUse");
  assert.match(busy.json().NeutronError.message, new RegExp(`subnet ${id("app")} has ports ${vm.id}`));
  assert.deepEqual(await snapshot(alpha, vpc), before);
  await ok(alpha, "DELETE", `/ports/${vm.id}`, undefined, 204);
  await ok(alpha, "DELETE", `/network-template-instances/${instance.id}`, undefined, 204);
  const after = await snapshot(alpha, vpc);
  for (const made of instance.resources)
    assert.ok(!Object.values(after).flat().includes(made.id), `${made.type} ${made.name} is gone`);
  assert.deepEqual(after.instances, []);
  await ok(alpha, "DELETE", `/vpcs/${vpc.id}`, undefined, 204);
});

test("missing, unknown or ill-typed parameters are 400 before anything is made", async () => {
  const template = await ok<{ id: string }>(
    alpha,
    "POST",
    "/network-templates",
    { network_template: custom },
    201,
  );
  const vpc = await newVpc(alpha, "params");
  const before = await snapshot(alpha, vpc);
  const cases: Array<[unknown, string]> = [
    [{}, "parameters.first: required"],
    [{ first: 10 }, "parameters.first: 10 is not a string"],
    [{ first: "10.0.1.0/99" }, 'parameters.first: "10.0.1.0/99" is not a valid CIDR'],
    [{ first: "10.0.1.0/24", color: "red" }, "parameters.color: not a parameter of the template"],
  ];
  for (const [parameters, message] of cases) {
    const response = await instantiate(alpha, template.id, { vpc_id: vpc.id, parameters });
    expectNeutronError(response, 400, "InvalidNetworkTemplate");
    assert.ok(response.json().NeutronError.message.includes(message), response.body);
  }
  const typed = await instantiate(alpha, THREE_TIER, { vpc_id: vpc.id, parameters: { app_port: "http" } });
  expectNeutronError(typed, 400, "InvalidNetworkTemplate");
  expectNeutronError(await instantiate(alpha, template.id, { parameters: {} }), 400, "HTTPBadRequest");
  expectNeutronError(
    await instantiate(alpha, template.id, { vpc_id: vpc.id, extra: 1 }),
    400,
    "HTTPBadRequest",
  );
  assert.deepEqual(await snapshot(alpha, vpc), before);
  await ok(alpha, "DELETE", `/network-templates/${template.id}`, undefined, 204);
});

test("rollback: a failure late in the list (third subnet overlapping, then a quota hit) leaves the VPC as before", async () => {
  const vpc = await newVpc(alpha, "rollback");
  const before = await snapshot(alpha, vpc);
  const overlapping = await instantiate(alpha, THREE_TIER, {
    vpc_id: vpc.id,
    parameters: { db_cidr: "10.0.1.128/25" },
  });
  assert.equal(overlapping.statusCode, 400, overlapping.body);
  assert.match(overlapping.json().NeutronError.message, /overlap/i);
  assert.deepEqual(await snapshot(alpha, vpc), before);

  // Room for two more groups: the third (db-sg) is refused after the subnets and two groups exist.
  const groups = before.groups.length;
  await ok(t.adminToken, "PUT", `/quotas/${alphaProject}`, { quota: { security_group: groups + 2 } });
  const quota = await instantiate(alpha, THREE_TIER, { vpc_id: vpc.id });
  expectNeutronError(quota, 409, "OverQuota");
  assert.deepEqual(await snapshot(alpha, vpc), before);
  await ok(t.adminToken, "PUT", `/quotas/${alphaProject}`, { quota: { security_group: -1 } });

  // The same VPC then takes the template whole, and a template with instances cannot be deleted.
  const template = await ok<{ id: string }>(
    alpha,
    "POST",
    "/network-templates",
    { network_template: custom },
    201,
  );
  const made = await ok<Instance>(
    alpha,
    "POST",
    `/network-templates/${template.id}/instantiate`,
    { vpc_id: vpc.id, parameters: { first: "10.0.1.0/24" } },
    201,
  );
  assert.deepEqual(made.name, "two-subnets");
  const main = await ok<{ routes: Array<{ destination: string }> }>(
    alpha,
    "GET",
    `/route-tables/${vpc.main_route_table_id}`,
  );
  assert.ok(main.routes.some((route) => route.destination === "192.0.2.0/24"));
  expectNeutronError(
    await net(alpha, "DELETE", `/network-templates/${template.id}`),
    409,
    "NetworkTemplateInUse",
  );
  await ok(alpha, "DELETE", `/network-template-instances/${made.id}`, undefined, 204);
  assert.deepEqual(await snapshot(alpha, vpc), before);
  await ok(alpha, "DELETE", `/network-templates/${template.id}`, undefined, 204);
});

test("dmz-private with NAT: SNAT and DNAT rules on the VPC's NAT gateway, undone with the instance; no gateway is 400 first", async () => {
  const external = await ok<{ id: string }>(
    t.adminToken,
    "POST",
    "/networks",
    { network: { name: "ext", "router:external": true } },
    201,
  );
  await ok(
    t.adminToken,
    "POST",
    "/subnets",
    { subnet: { network_id: external.id, cidr: "203.0.113.0/24", ip_version: 4 } },
    201,
  );
  const vpc = await newVpc(alpha, "dmz", "10.1.0.0/16");
  const fip = await ok<{ id: string }>(
    alpha,
    "POST",
    "/floatingips",
    { floatingip: { floating_network_id: external.id } },
    201,
  );
  await ok(alpha, "PUT", `/routers/${vpc.router_id}`, {
    router: { external_gateway_info: { network_id: external.id } },
  });
  const before = await snapshot(alpha, vpc);
  const noGateway = await instantiate(alpha, DMZ, { vpc_id: vpc.id, parameters: { floating_ip_id: fip.id } });
  expectNeutronError(noGateway, 400, "InvalidNetworkTemplate");
  assert.match(noGateway.json().NeutronError.message, /resources\[3\]: VPC .* has no NAT gateway/);
  assert.deepEqual(await snapshot(alpha, vpc), before);
  expectNeutronError(await instantiate(alpha, DMZ, { vpc_id: vpc.id }), 400, "InvalidNetworkTemplate");

  const gateway = await ok<{ id: string }>(
    alpha,
    "POST",
    "/nat-gateways",
    { nat_gateway: { vpc_id: vpc.id } },
    201,
  );
  // The DNAT's address outside the VPC fails last: the SNAT rule made before it is undone too.
  const late = await instantiate(alpha, DMZ, {
    vpc_id: vpc.id,
    parameters: { floating_ip_id: fip.id, dmz_server_ip: "192.168.7.7" },
  });
  expectNeutronError(late, 400, "InvalidNatRule");
  assert.deepEqual(await snapshot(alpha, vpc), before);
  assert.deepEqual(await ok(alpha, "GET", "/snat-rules"), []);

  const instance = await ok<Instance>(
    alpha,
    "POST",
    `/network-templates/${DMZ}/instantiate`,
    { vpc_id: vpc.id, parameters: { floating_ip_id: fip.id } },
    201,
  );
  const id = (name: string) => instance.resources.find((made) => made.name === name)!.id;
  const snat = await ok<Record<string, unknown>>(alpha, "GET", `/snat-rules/${id("private-out")}`);
  const privateNet = (await ok<{ network_id: string }>(alpha, "GET", `/subnets/${id("private")}`)).network_id;
  assert.deepEqual(
    [snat.nat_gateway_id, snat.floating_ip_id, snat.network_id, snat.cidr],
    [gateway.id, fip.id, privateNet, "10.1.2.0/24"],
  );
  const dnat = await ok<Record<string, unknown>>(alpha, "GET", `/dnat-rules/${id("dmz-in")}`);
  assert.deepEqual(
    [dnat.private_ip, dnat.protocol, dnat.internal_service_port, dnat.external_service_port],
    ["10.1.1.10", "tcp", 80, 80],
  );
  await ok(alpha, "DELETE", `/network-template-instances/${instance.id}`, undefined, 204);
  assert.deepEqual(await snapshot(alpha, vpc), before);
  assert.deepEqual(await ok(alpha, "GET", "/snat-rules"), []);
  assert.deepEqual(await ok(alpha, "GET", "/dnat-rules"), []);
});

test("readers see instances but cannot instantiate or delete them; resources deleted by hand do not block a delete", async () => {
  const vpc = await newVpc(alpha, "readers");
  const instance = await ok<Instance>(
    alpha,
    "POST",
    `/network-templates/${THREE_TIER}/instantiate`,
    { vpc_id: vpc.id },
    201,
  );
  assert.equal(instance.name, "three-tier-web");
  assert.equal(
    (await ok<Instance>(reader, "GET", `/network-template-instances/${instance.id}`)).id,
    instance.id,
  );
  expectNeutronError(await instantiate(reader, THREE_TIER, { vpc_id: vpc.id }), 403, "PolicyNotAuthorized");
  expectNeutronError(
    await net(reader, "DELETE", `/network-template-instances/${instance.id}`),
    403,
    "PolicyNotAuthorized",
  );
  expectNeutronError(
    await net(alpha, "DELETE", "/network-template-instances/00000000-0000-0000-0000-000000000000"),
    404,
    "NetworkTemplateInstanceNotFound",
  );
  // A resource deleted through its own API meanwhile is simply gone: the rest still goes.
  const dbGroup = instance.resources.find((made) => made.name === "db-sg")!.id;
  await ok(alpha, "DELETE", `/security-groups/${dbGroup}`, undefined, 204);
  await ok(t.adminToken, "DELETE", `/network-template-instances/${instance.id}`, undefined, 204);
  const left = await snapshot(alpha, vpc);
  for (const made of instance.resources) assert.ok(!Object.values(left).flat().includes(made.id));
});

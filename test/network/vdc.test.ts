import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

/** [vdc]: one per project, sized by an admin, its quotas enforced atomically, its usage rolled up. */

let t: TestApp;
let alpha = "";
let beta = "";
const projects = { alpha: "", beta: "" };

type Method = "GET" | "POST" | "PUT" | "DELETE";
const net = (token: string, method: Method, url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

interface Vdc {
  id: string;
  project_id: string;
  name: string;
  quotas: Record<string, number>;
  usage: Record<string, number>;
  vpcs: string[];
}

async function projectOf(token: string): Promise<string> {
  const response = await net(token, "POST", "/networks", { network: { name: "probe" } });
  const network = response.json<{ network: { id: string; project_id: string } }>().network;
  await net(token, "DELETE", `/networks/${network.id}`);
  return network.project_id;
}

const vpc = (token: string, name: string) =>
  net(token, "POST", "/vpcs", { vpc: { name, cidrs: ["10.0.0.0/16"] } });

before(async () => {
  t = await startTestApp();
  alpha = await userInNewProject(t, "vdc-alpha");
  beta = await userInNewProject(t, "vdc-beta");
  projects.alpha = await projectOf(alpha);
  projects.beta = await projectOf(beta);
});
after(() => t.close());

test("an admin creates a project's VDC with its size; only one per project; bad input changes nothing", async () => {
  const created = await net(t.adminToken, "POST", "/vdcs", {
    vdc: { project_id: projects.alpha, name: "alpha-dc", quotas: { vpc: 1, network: 3 } },
  });
  assert.equal(created.statusCode, 201, created.body);
  const vdc = created.json<{ vdc: Vdc }>().vdc;
  assert.equal(vdc.id, projects.alpha);
  assert.equal(vdc.quotas.vpc, 1);
  assert.equal(vdc.quotas.network, 3);
  assert.equal(vdc.quotas.port, 500, "unnamed resources keep their limits");
  assert.deepEqual(vdc.vpcs, []);
  expectNeutronError(
    await net(t.adminToken, "POST", "/vdcs", { vdc: { project_id: projects.alpha } }),
    409,
    "VdcExists",
  );
  expectNeutronError(
    await net(t.adminToken, "POST", "/vdcs", { vdc: { project_id: "no-such-project" } }),
    400,
    "InvalidInput",
  );
  expectNeutronError(
    await net(t.adminToken, "POST", "/vdcs", { vdc: { project_id: projects.beta, quotas: { widgets: 1 } } }),
    400,
    "HTTPBadRequest",
  );
  expectNeutronError(
    await net(t.adminToken, "POST", "/vdcs", { vdc: { project_id: projects.beta, quotas: { vpc: -2 } } }),
    400,
    "HTTPBadRequest",
  );
  assert.equal(
    (await net(t.adminToken, "GET", `/vdcs/${projects.beta}`)).statusCode,
    404,
    "nothing was made",
  );
  expectNeutronError(await net(beta, "POST", "/vdcs", { vdc: { name: "mine" } }), 403, "PolicyNotAuthorized");
});

test("members see their own VDC and usage, never another's", async () => {
  const own = await net(alpha, "GET", `/vdcs/${projects.alpha}`);
  assert.equal(own.statusCode, 200, own.body);
  assert.equal(own.json<{ vdc: Vdc }>().vdc.name, "alpha-dc");
  expectNeutronError(await net(beta, "GET", `/vdcs/${projects.alpha}`), 404, "VdcNotFound");
  assert.deepEqual((await net(beta, "GET", "/vdcs")).json<{ vdcs: Vdc[] }>().vdcs, []);
  const all = (await net(t.adminToken, "GET", "/vdcs?fields=id")).json<{ vdcs: Array<{ id: string }> }>()
    .vdcs;
  assert.deepEqual(all, [{ id: projects.alpha }]);
  expectNeutronError(
    await net(alpha, "PUT", `/vdcs/${projects.alpha}`, { vdc: { quotas: { vpc: 100 } } }),
    403,
    "PolicyNotAuthorized",
  );
});

test("the VDC's quota holds even under concurrent creates; usage rolls up; an admin resizes it", async () => {
  const results = await Promise.all([vpc(alpha, "one"), vpc(alpha, "two"), vpc(alpha, "three")]);
  assert.deepEqual(results.map((r) => r.statusCode).sort(), [201, 409, 409]);
  const vdc = (await net(alpha, "GET", `/vdcs/${projects.alpha}`)).json<{ vdc: Vdc }>().vdc;
  assert.equal(vdc.usage.vpc, 1);
  assert.equal(vdc.usage.router, 1, "the VPC's router counts too");
  assert.equal(vdc.vpcs.length, 1);
  const resized = await net(t.adminToken, "PUT", `/vdcs/${projects.alpha}`, { vdc: { quotas: { vpc: 2 } } });
  assert.equal(resized.statusCode, 200, resized.body);
  assert.equal(resized.json<{ vdc: Vdc }>().vdc.quotas.vpc, 2);
  assert.equal((await vpc(alpha, "four")).statusCode, 201);
  const quota = (await net(t.adminToken, "GET", `/quotas/${projects.alpha}`)).json<{
    quota: { vpc: number };
  }>();
  assert.equal(quota.quota.vpc, 2, "the VDC's size is the project's Neutron quota");
});

test("a VDC with VPCs cannot be deleted; once empty it goes and the project's limits return to the defaults", async () => {
  expectNeutronError(await net(t.adminToken, "DELETE", `/vdcs/${projects.alpha}`), 409, "VdcInUse");
  const vdc = (await net(t.adminToken, "GET", `/vdcs/${projects.alpha}`)).json<{ vdc: Vdc }>().vdc;
  for (const id of vdc.vpcs) assert.equal((await net(alpha, "DELETE", `/vpcs/${id}`)).statusCode, 204);
  assert.equal((await net(t.adminToken, "DELETE", `/vdcs/${projects.alpha}`)).statusCode, 204);
  assert.equal((await net(alpha, "GET", `/vdcs/${projects.alpha}`)).statusCode, 404);
  const quota = (await net(t.adminToken, "GET", `/quotas/${projects.alpha}`)).json<{
    quota: { vpc: number };
  }>();
  assert.equal(quota.quota.vpc, 5);
});

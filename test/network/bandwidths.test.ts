import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, startTestApp, userInNewProject, type TestApp } from "../helpers/app.ts";
import { expectNeutronError } from "../helpers/neutron.ts";

/** [bandwidth]: /v2.0/bandwidths, insert/remove of floating IPs, conflicts, visibility, quota. */

let t: TestApp;
let alpha = "";
let beta = "";
let external = "";

type Method = "GET" | "POST" | "PUT" | "DELETE";
const net = (token: string, method: Method, url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

interface Bandwidth {
  id: string;
  name: string;
  size: number;
  share_type: string;
  charge_mode: string;
  status: string;
  project_id: string;
  tenant_id: string;
  revision_number: number;
  publicip_info: Array<{ publicip_id: string; publicip_address: string; ip_version: number }>;
}

async function ok<T>(token: string, method: Method, url: string, body?: unknown, status = 200): Promise<T> {
  const response = await net(token, method, url, body);
  assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
  return response.statusCode === 204 ? ({} as T) : (Object.values(response.json())[0] as T);
}

async function floatingIp(token = alpha): Promise<{ id: string; floating_ip_address: string }> {
  return ok(token, "POST", "/floatingips", { floatingip: { floating_network_id: external } }, 201);
}

const create = (body: Record<string, unknown>, token = alpha) =>
  net(token, "POST", "/bandwidths", { bandwidth: body });
const bandwidth = (body: Record<string, unknown>, token = alpha) =>
  ok<Bandwidth>(token, "POST", "/bandwidths", { bandwidth: body }, 201);
const ips = (...ids: string[]) => ({
  bandwidth: { publicip_info: ids.map((publicip_id) => ({ publicip_id })) },
});
const members = (b: Bandwidth) => b.publicip_info.map((ip) => ip.publicip_id).sort();

before(async () => {
  t = await startTestApp();
  alpha = await userInNewProject(t, "bw-alpha");
  beta = await userInNewProject(t, "bw-beta");
  const network = await ok<{ id: string }>(
    t.adminToken,
    "POST",
    "/networks",
    { network: { name: "ext", "router:external": true } },
    201,
  );
  external = network.id;
  await ok(
    t.adminToken,
    "POST",
    "/subnets",
    { subnet: { network_id: external, cidr: "203.0.113.0/24", ip_version: 4 } },
    201,
  );
});
after(() => t.close());

test("a dedicated (PER) bandwidth is created for one floating IP, in Huawei's shape", async () => {
  const fip = await floatingIp();
  const created = await bandwidth({ name: "web", size: 10, share_type: "PER", floatingip_id: fip.id });
  assert.equal(created.size, 10);
  assert.equal(created.share_type, "PER");
  assert.equal(created.charge_mode, "bandwidth");
  assert.equal(created.status, "ACTIVE");
  assert.equal(created.tenant_id, created.project_id);
  assert.deepEqual(created.publicip_info, [
    { publicip_id: fip.id, publicip_address: fip.floating_ip_address, ip_version: 4 },
  ]);
  assert.deepEqual(await ok(alpha, "GET", `/bandwidths/${created.id}`), created);
  const listed = await ok<Bandwidth[]>(alpha, "GET", "/bandwidths?share_type=PER");
  assert.ok(listed.some((b) => b.id === created.id));
  const viaInfo = await bandwidth({
    size: 5,
    share_type: "PER",
    publicip_info: [{ publicip_id: (await floatingIp()).id }],
  });
  assert.equal(viaInfo.publicip_info.length, 1);
});

test("a PER bandwidth needs exactly one floating IP and refuses insert and remove", async () => {
  expectNeutronError(await create({ size: 10, share_type: "PER" }), 400, "InvalidBandwidth");
  const [a, b] = [await floatingIp(), await floatingIp()];
  expectNeutronError(
    await create({
      size: 10,
      share_type: "PER",
      floatingip_id: a.id,
      publicip_info: [{ publicip_id: b.id }],
    }),
    400,
    "InvalidBandwidth",
  );
  const per = await bandwidth({ size: 10, share_type: "PER", floatingip_id: a.id });
  for (const action of ["insert", "remove"])
    expectNeutronError(
      await net(alpha, "PUT", `/bandwidths/${per.id}/${action}`, ips(b.id)),
      400,
      "InvalidBandwidth",
    );
});

test("bad sizes, share types and charge modes are refused", async () => {
  expectNeutronError(await create({ size: 0 }), 400, "HTTPBadRequest");
  expectNeutronError(await create({ size: 100_001 }), 400, "HTTPBadRequest");
  expectNeutronError(await create({}), 400, "HTTPBadRequest");
  expectNeutronError(await create({ size: 10, share_type: "SOME" }), 400, "HTTPBadRequest");
  expectNeutronError(await create({ size: 10, charge_mode: "free" }), 400, "HTTPBadRequest");
  expectNeutronError(await create({ size: 10, publicip_info: [{ id: "x" }] }), 400, "HTTPBadRequest");
});

test("a shared (WHOLE) pool takes floating IPs in and out; PUT and POST both answer", async () => {
  const [a, b, c] = [await floatingIp(), await floatingIp(), await floatingIp()];
  const pool = await bandwidth({ name: "pool", size: 100, share_type: "WHOLE" });
  assert.deepEqual(pool.publicip_info, []);
  const inserted = await ok<Bandwidth>(alpha, "PUT", `/bandwidths/${pool.id}/insert`, ips(a.id, b.id));
  assert.deepEqual(members(inserted), [a.id, b.id].sort());
  assert.equal(inserted.revision_number, pool.revision_number + 1);
  const more = await ok<Bandwidth>(alpha, "POST", `/bandwidths/${pool.id}/insert`, ips(c.id));
  assert.equal(more.publicip_info.length, 3);
  const removed = await ok<Bandwidth>(alpha, "POST", `/bandwidths/${pool.id}/remove`, ips(a.id));
  assert.deepEqual(members(removed), [b.id, c.id].sort());
  expectNeutronError(
    await net(alpha, "PUT", `/bandwidths/${pool.id}/remove`, ips(a.id)),
    400,
    "FloatingIPNotInBandwidth",
  );
  expectNeutronError(
    await net(alpha, "PUT", `/bandwidths/${pool.id}/insert`, ips()),
    400,
    "InvalidBandwidth",
  );
  expectNeutronError(
    await net(alpha, "PUT", `/bandwidths/${pool.id}/insert`, { publicip_info: [] }),
    400,
    "InvalidBandwidth",
  );
});

test("a floating IP is in one bandwidth at most: a second one is a 409 naming the first", async () => {
  const fip = await floatingIp();
  const pool = await bandwidth({ size: 50, publicip_info: [{ publicip_id: fip.id }] });
  const other = await bandwidth({ size: 50 });
  const response = await net(alpha, "PUT", `/bandwidths/${other.id}/insert`, ips(fip.id));
  expectNeutronError(
    response,
    409,
    "FloatingIPInBandwidth",
    `Floating IP ${fip.id} is already in bandwidth ${pool.id}`,
  );
  expectNeutronError(
    await create({ size: 5, share_type: "PER", floatingip_id: fip.id }),
    409,
    "FloatingIPInBandwidth",
  );
  // Nothing of the failed requests stayed.
  assert.deepEqual((await ok<Bandwidth>(alpha, "GET", `/bandwidths/${other.id}`)).publicip_info, []);
});

test("another project's bandwidths and floating IPs do not exist; admins see and use them", async () => {
  const mine = await bandwidth({ size: 20 });
  const theirs = await floatingIp(beta);
  for (const [method, url] of [
    ["GET", `/bandwidths/${mine.id}`],
    ["PUT", `/bandwidths/${mine.id}`],
    ["DELETE", `/bandwidths/${mine.id}`],
    ["PUT", `/bandwidths/${mine.id}/insert`],
    ["POST", `/bandwidths/${mine.id}/remove`],
  ] as const)
    expectNeutronError(
      await net(
        beta,
        method,
        url,
        /insert|remove/.test(url)
          ? ips(theirs.id)
          : method === "PUT"
            ? { bandwidth: { size: 1 } }
            : undefined,
      ),
      404,
      "BandwidthNotFound",
    );
  assert.ok(!(await ok<Bandwidth[]>(beta, "GET", "/bandwidths")).some((b) => b.id === mine.id));
  expectNeutronError(
    await net(alpha, "PUT", `/bandwidths/${mine.id}/insert`, ips(theirs.id)),
    404,
    "FloatingIPNotFound",
  );
  expectNeutronError(
    await create({ size: 5, share_type: "PER", floatingip_id: theirs.id }),
    404,
    "FloatingIPNotFound",
  );
  assert.ok((await ok<Bandwidth[]>(t.adminToken, "GET", "/bandwidths")).some((b) => b.id === mine.id));
  // Even an admin cannot pool two projects' addresses.
  expectNeutronError(
    await net(t.adminToken, "PUT", `/bandwidths/${mine.id}/insert`, ips(theirs.id)),
    400,
    "InvalidBandwidth",
  );
});

test("size, name and charge mode change; the share type does not", async () => {
  const created = await bandwidth({ name: "a", size: 20 });
  const updated = await ok<Bandwidth>(alpha, "PUT", `/bandwidths/${created.id}`, {
    bandwidth: { name: "b", size: 300, charge_mode: "traffic" },
  });
  assert.deepEqual([updated.name, updated.size, updated.charge_mode], ["b", 300, "traffic"]);
  assert.equal(updated.revision_number, created.revision_number + 1);
  const bad = (body: Record<string, unknown>) =>
    net(alpha, "PUT", `/bandwidths/${created.id}`, { bandwidth: body });
  expectNeutronError(await bad({ share_type: "PER" }), 400, "HTTPBadRequest");
  expectNeutronError(await bad({ size: -3 }), 400, "HTTPBadRequest");
});

test("a pool with floating IPs cannot be deleted; emptied, it can; a PER bandwidth can", async () => {
  const fip = await floatingIp();
  const pool = await bandwidth({ size: 20, publicip_info: [{ publicip_id: fip.id }] });
  expectNeutronError(await net(alpha, "DELETE", `/bandwidths/${pool.id}`), 409, "BandwidthInUse");
  await ok(alpha, "PUT", `/bandwidths/${pool.id}/remove`, ips(fip.id));
  await ok(alpha, "DELETE", `/bandwidths/${pool.id}`, undefined, 204);
  expectNeutronError(await net(alpha, "GET", `/bandwidths/${pool.id}`), 404, "BandwidthNotFound");
  const per = await bandwidth({ size: 20, share_type: "PER", floatingip_id: fip.id });
  await ok(alpha, "DELETE", `/bandwidths/${per.id}`, undefined, 204);
  // The floating IP is free again.
  await bandwidth({ size: 20, share_type: "PER", floatingip_id: fip.id });
});

test("removing with a size gives the floating IP a dedicated bandwidth, as Huawei does", async () => {
  const fip = await floatingIp();
  const pool = await bandwidth({ size: 20, publicip_info: [{ publicip_id: fip.id }] });
  await ok(alpha, "POST", `/bandwidths/${pool.id}/remove`, {
    bandwidth: { publicip_info: [{ publicip_id: fip.id }], size: 7, charge_mode: "traffic" },
  });
  const all = await ok<Bandwidth[]>(alpha, "GET", "/bandwidths?share_type=PER");
  const dedicated = all.find((b) => b.publicip_info.some((ip) => ip.publicip_id === fip.id));
  assert.deepEqual([dedicated?.size, dedicated?.charge_mode], [7, "traffic"]);
});

test("deleting a floating IP takes it out of its pool and deletes its PER bandwidth", async () => {
  const [a, b] = [await floatingIp(), await floatingIp()];
  const pool = await bandwidth({ size: 20, publicip_info: [{ publicip_id: a.id }] });
  const per = await bandwidth({ size: 20, share_type: "PER", floatingip_id: b.id });
  await ok(alpha, "DELETE", `/floatingips/${a.id}`, undefined, 204);
  await ok(alpha, "DELETE", `/floatingips/${b.id}`, undefined, 204);
  const after = await ok<Bandwidth>(alpha, "GET", `/bandwidths/${pool.id}`);
  assert.deepEqual(after.publicip_info, []);
  assert.equal(after.revision_number, pool.revision_number + 1);
  expectNeutronError(await net(alpha, "GET", `/bandwidths/${per.id}`), 404, "BandwidthNotFound");
});

test("the bandwidth quota (default 50) limits a project's bandwidths", async () => {
  const gamma = await userInNewProject(t, "bw-gamma");
  const projectId = (await bandwidth({ size: 1 }, gamma)).project_id;
  const quota = await ok<Record<string, number>>(gamma, "GET", `/quotas/${projectId}`);
  assert.equal(quota.bandwidth, 50);
  await ok(t.adminToken, "PUT", `/quotas/${projectId}`, { quota: { bandwidth: 1 } });
  expectNeutronError(await create({ size: 1 }, gamma), 409, "OverQuota");
});

test("the extension is listed and bandwidth events are written", async () => {
  const response = await net(alpha, "GET", "/extensions/bandwidth");
  assert.equal(response.statusCode, 200, response.body);
  const created = await bandwidth({ size: 3 });
  const events = await t.ctx.db
    .as<{ events: { type: string; resource_id: string | null } }>()
    .selectFrom("events")
    .select("type")
    .where("resource_id", "=", created.id)
    .execute();
  assert.deepEqual(
    events.map((e) => e.type),
    ["bandwidth.create.end"],
  );
});

test("tags and If-Match work as on every Neutron resource", async () => {
  const created = await bandwidth({ size: 4 });
  const tag = await net(alpha, "PUT", `/bandwidths/${created.id}/tags/gold`);
  assert.equal(tag.statusCode, 201, tag.body);
  const tagged = await ok<Bandwidth[]>(alpha, "GET", "/bandwidths?tags=gold");
  assert.deepEqual(
    tagged.map((b) => b.id),
    [created.id],
  );
  const stale = await t.app.inject({
    method: "PUT",
    url: `/networking/v2.0/bandwidths/${created.id}`,
    headers: { "x-auth-token": alpha, "if-match": "revision_number=1" },
    payload: { bandwidth: { size: 5 } },
  });
  expectNeutronError(stale, 412, "RevisionNumberConstraintFailed");
});

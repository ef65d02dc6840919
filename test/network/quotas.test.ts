import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { call, passwordToken, startTestApp, type TestApp } from "../helpers/app.ts";

let t: TestApp;
let memberToken = "";
let projectId = "";
let otherProject = "";
before(async () => {
  t = await startTestApp();
  const admin = (method: "POST" | "PUT" | "GET", url: string, body?: unknown) =>
    call(t.app, t.adminToken, method, `/identity${url}`, body);
  const roles = new Map<string, string>(
    (await admin("GET", "/v3/roles")).json().roles.map((r: { id: string; name: string }) => [r.name, r.id]),
  );
  projectId = (await admin("POST", "/v3/projects", { project: { name: "q" } })).json().project.id;
  otherProject = (await admin("POST", "/v3/projects", { project: { name: "q-other" } })).json().project.id;
  const user = (await admin("POST", "/v3/users", { user: { name: "q-user", password: "pw" } })).json().user
    .id;
  await admin("PUT", `/v3/projects/${projectId}/users/${user}/roles/${roles.get("member") ?? ""}`);
  memberToken = await passwordToken(t.app, "q-user", "pw", "q");
});
after(() => t.close());

const net = (token: string, method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: unknown) =>
  call(t.app, token, method, `/networking/v2.0${url}`, body);

test("defaults, update, details, reset", async () => {
  const defaults = (await net(memberToken, "GET", `/quotas/${projectId}`)).json().quota;
  assert.deepEqual(
    { network: defaults.network, subnet: defaults.subnet, port: defaults.port, router: defaults.router },
    { network: 100, subnet: 100, port: 500, router: 10 },
  );
  const denied = await net(memberToken, "PUT", `/quotas/${projectId}`, { quota: { network: 1000 } });
  assert.equal(denied.statusCode, 403);
  assert.equal(denied.json().NeutronError.type, "PolicyNotAuthorized");
  assert.equal((await net(memberToken, "GET", `/quotas/${otherProject}`)).statusCode, 403);

  const updated = await net(t.adminToken, "PUT", `/quotas/${projectId}`, { quota: { network: 2, port: 3 } });
  assert.equal(updated.json().quota.network, 2);
  const listed = (await net(t.adminToken, "GET", "/quotas")).json().quotas;
  assert.ok(
    listed.some(
      (q: { project_id: string; network: number }) => q.project_id === projectId && q.network === 2,
    ),
  );
  await net(memberToken, "POST", "/networks", { network: { name: "counted" } });
  const details = (await net(memberToken, "GET", `/quotas/${projectId}/details`)).json().quota;
  assert.deepEqual(details.network, { limit: 2, used: 1, reserved: 0 });
  for (const [body, message] of [
    [{ network: "x" }, "Invalid input for operation: 'x' is not an integer."],
    [{ bogus: 3 }, "Unrecognized attribute(s) 'bogus'"],
    [{ network: -5 }, "Invalid input for network. Reason: '-5' is too small - must be at least '-1'."],
  ] as const) {
    const bad = await net(t.adminToken, "PUT", `/quotas/${projectId}`, { quota: body });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().NeutronError.message, message);
  }
  assert.equal((await net(t.adminToken, "DELETE", `/quotas/${otherProject}`)).statusCode, 204);
  assert.equal((await net(t.adminToken, "GET", `/quotas/${otherProject}/default`)).json().quota.port, 500);
});

test("over quota is a 409 OverQuota and creates nothing, even under concurrency", async () => {
  await net(t.adminToken, "PUT", `/quotas/${projectId}`, { quota: { network: 2, port: 3 } });
  const second = await net(memberToken, "POST", "/networks", { network: { name: "second" } });
  assert.equal(second.statusCode, 201);
  const third = await net(memberToken, "POST", "/networks", { network: { name: "third" } });
  assert.equal(third.statusCode, 409);
  assert.deepEqual(third.json(), {
    NeutronError: { type: "OverQuota", message: "Quota exceeded for resources: ['network'].", detail: "" },
  });

  const network = second.json().network.id;
  await net(memberToken, "POST", "/subnets", {
    subnet: { network_id: network, cidr: "10.0.0.0/24", ip_version: 4 },
  });
  const attempts = await Promise.all(
    Array.from({ length: 16 }, () => net(memberToken, "POST", "/ports", { port: { network_id: network } })),
  );
  assert.equal(attempts.filter((r) => r.statusCode === 201).length, 3, "never more than the quota");
  assert.ok(
    attempts.filter((r) => r.statusCode !== 201).every((r) => r.json().NeutronError.type === "OverQuota"),
  );
  const ports = (await net(memberToken, "GET", "/ports")).json().ports;
  assert.equal(ports.length, 3);
  const bulk = await net(memberToken, "POST", "/ports", { ports: [{ network_id: network }] });
  assert.equal(bulk.statusCode, 409);
});

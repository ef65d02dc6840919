/**
 * Records test/parity/neutron.json from a real Neutron:
 *
 *   node --import tsx test/parity/record-neutron.ts
 *
 * KEYSTONE_URL (default http://127.0.0.1:5000), NEUTRON_URL (default http://127.0.0.1:9696) and
 * KEYSTONE_ADMIN_PASSWORD (default "secret") name the servers and the "admin" user (domain Default,
 * project "admin"). Each run makes two fresh projects with a member-role user each ("member" and
 * "other" in neutron-cases.ts) through Keystone. The reference is set up by
 * /work/shared/reference-openstack/setup.sh (ML2: vxlan tenant networks, vlan physnet1:100:2999).
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { cases } from "./neutron-cases.ts";
import { randomSuffix, runCases, type Send } from "./harness.ts";

const keystone = (process.env.KEYSTONE_URL ?? "http://127.0.0.1:5000").replace(/\/$/, "");
const neutron = (process.env.NEUTRON_URL ?? "http://127.0.0.1:9696").replace(/\/$/, "");
const adminPassword = process.env.KEYSTONE_ADMIN_PASSWORD ?? "secret";

const sender =
  (root: string): Send =>
  async ({ method, path, headers, body }) => {
    const response = await fetch(`${root}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    return {
      status: response.status,
      headers: Object.fromEntries(response.headers.entries()),
      text: await response.text(),
    };
  };
const identity = sender(keystone);

async function token(user: string, password: string, project: string): Promise<string> {
  const response = await identity({
    method: "POST",
    path: "/v3/auth/tokens",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: user, domain: { id: "default" }, password } },
        },
        scope: { project: { name: project, domain: { id: "default" } } },
      },
    }),
  });
  const subject = response.headers["x-subject-token"];
  if (response.status !== 201 || subject === undefined)
    throw new Error(`token for ${user}: ${response.status} ${response.text}`);
  return subject;
}

/** An admin call to Keystone; returns the string at `path` ("roles.0.id") in the answer, if asked. */
async function keystoneCall(
  adminToken: string,
  method: "GET" | "POST" | "PUT",
  path: string,
  body?: unknown,
  pick?: string,
): Promise<string> {
  const response = await identity({
    method,
    path,
    headers: { "x-auth-token": adminToken, "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${response.text}`);
  if (pick === undefined) return "";
  let value: unknown = JSON.parse(response.text);
  for (const part of pick.split(".")) value = (value as Record<string, unknown> | undefined)?.[part];
  if (typeof value !== "string") throw new Error(`${method} ${path}: no ${pick} in ${response.text}`);
  return value;
}

/** A fresh project with a user holding "member" on it: its id and the user's token. */
async function memberInNewProject(adminToken: string, name: string): Promise<{ id: string; token: string }> {
  const roleId = await keystoneCall(adminToken, "GET", "/v3/roles?name=member", undefined, "roles.0.id");
  const projectId = await keystoneCall(
    adminToken,
    "POST",
    "/v3/projects",
    { project: { name } },
    "project.id",
  );
  const user = { name: `${name}-user`, password: "pw" };
  const userId = await keystoneCall(adminToken, "POST", "/v3/users", { user }, "user.id");
  await keystoneCall(adminToken, "PUT", `/v3/projects/${projectId}/users/${userId}/roles/${roleId}`);
  return { id: projectId, token: await token(user.name, user.password, name) };
}

function neutronVersion(): string {
  try {
    return execFileSync("dpkg-query", ["-W", "-f=${Version}", "neutron-server"], { encoding: "utf8" }).trim();
  } catch {
    return "(version unknown)";
  }
}

const adminToken = await token("admin", adminPassword, "admin");
const adminProject = await keystoneCall(
  adminToken,
  "GET",
  "/v3/projects?name=admin",
  undefined,
  "projects.0.id",
);
const run = randomSuffix();
const member = await memberInNewProject(adminToken, `parity-neutron-member-${run}`);
const other = await memberInNewProject(adminToken, `parity-neutron-other-${run}`);

const escaped = neutron.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const outcomes = await runCases(cases, {
  send: sender(neutron),
  adminToken,
  adminPassword,
  base: new RegExp(escaped),
  prefix: "/v2.0",
  tokens: { member: member.token, other: other.token },
  vars: {
    admin_project_id: adminProject,
    member_project_id: member.id,
    other_project_id: other.id,
    missing_uuid: randomUUID(),
  },
});
const file = new URL("./neutron.json", import.meta.url);
const fixture = {
  generated: `by test/parity/record-neutron.ts from Neutron ${neutronVersion()} — do not edit`,
  cases: outcomes,
};
// Written as Prettier would, so that `prettier --check` passes on a fresh recording.
const style = await resolveConfig(fileURLToPath(file));
writeFileSync(file, await format(JSON.stringify(fixture, null, 2), { ...style, parser: "json" }));
console.log(`${outcomes.length} cases written to ${file.pathname}`);

/**
 * Records test/parity/keystone.json from a real Keystone:
 *
 *   node --import tsx test/parity/record.ts
 *
 * KEYSTONE_URL (default http://127.0.0.1:5000, the identity root) and KEYSTONE_ADMIN_PASSWORD
 * (default "secret") name the server and its "admin" user (in domain Default, project "admin").
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { cases } from "./keystone-cases.ts";
import { runCases, type Send } from "./harness.ts";

const root = (process.env.KEYSTONE_URL ?? "http://127.0.0.1:5000").replace(/\/$/, "");
const adminPassword = process.env.KEYSTONE_ADMIN_PASSWORD ?? "secret";

const send: Send = async ({ method, path, headers, body }) => {
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

async function adminToken(): Promise<string> {
  const response = await send({
    method: "POST",
    path: "/v3/auth/tokens",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      auth: {
        identity: {
          methods: ["password"],
          password: { user: { name: "admin", domain: { id: "default" }, password: adminPassword } },
        },
        scope: { project: { name: "admin", domain: { id: "default" } } },
      },
    }),
  });
  const token = response.headers["x-subject-token"];
  if (response.status !== 201 || token === undefined)
    throw new Error(`admin token: ${response.status} ${response.text}`);
  return token;
}

/** The installed package's version when dpkg knows it, else the API version Keystone reports. */
async function keystoneVersion(): Promise<string> {
  try {
    return execFileSync("dpkg-query", ["-W", "-f=${Version}", "keystone"], { encoding: "utf8" }).trim();
  } catch {
    const response = await send({ method: "GET", path: "/v3", headers: {} });
    return `API ${(JSON.parse(response.text) as { version: { id: string } }).version.id}`;
  }
}

const escaped = root.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const outcomes = await runCases(cases, {
  send,
  adminToken: await adminToken(),
  adminPassword,
  base: new RegExp(escaped),
});
const file = new URL("./keystone.json", import.meta.url);
const fixture = {
  generated: `by test/parity/record.ts from Keystone ${await keystoneVersion()} — do not edit`,
  cases: outcomes,
};
// Written as Prettier would, so that `prettier --check` passes on a fresh recording.
const style = await resolveConfig(fileURLToPath(file));
writeFileSync(file, await format(JSON.stringify(fixture, null, 2), { ...style, parser: "json" }));
console.log(`${outcomes.length} cases written to ${file.pathname}`);

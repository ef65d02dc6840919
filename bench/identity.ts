import { hashSecret, verifySecret } from "../src/identity/passwords.ts";
import type { Client } from "./http.ts";
import { sample } from "./stats.ts";

export const ADMIN_PASSWORD = "bench-admin-secret";
const TOKENS = "/identity/v3/auth/tokens";

/** Password authentication of admin, scoped to project admin in domain Default. */
const ISSUE_BODY = {
  auth: {
    identity: {
      methods: ["password"],
      password: { user: { name: "admin", domain: { name: "Default" }, password: ADMIN_PASSWORD } },
    },
    scope: { project: { name: "admin", domain: { name: "Default" } } },
  },
};

/** POST /v3/auth/tokens; returns the new token, throws unless the answer is a 201 with one. */
export async function issueToken(client: Client): Promise<string> {
  const reply = await client.send("POST", TOKENS, {}, ISSUE_BODY);
  const token = reply.headers["x-subject-token"];
  if (reply.status !== 201 || typeof token !== "string" || token === "")
    throw new Error(`token issue failed: ${reply.status} ${reply.body.slice(0, 500)}`);
  return token;
}

/** GET /v3/auth/tokens with the token as both caller and subject; throws unless 200. */
export async function validateToken(client: Client, token: string): Promise<void> {
  const reply = await client.send("GET", TOKENS, { "x-auth-token": token, "x-subject-token": token });
  if (reply.status !== 200 || reply.headers["x-subject-token"] !== token)
    throw new Error(`token validation failed: ${reply.status} ${reply.body.slice(0, 500)}`);
}

/** Milliseconds per sequential token validation over HTTP. */
export function benchValidation(client: Client, token: string, count: number, warmup: number) {
  return sample(count, warmup, () => validateToken(client, token));
}

/** Milliseconds per sequential token issue over HTTP (password method, project scope). */
export function benchIssue(client: Client, count: number, warmup: number) {
  return sample(count, warmup, async () => {
    await issueToken(client);
  });
}

/** In-process cost of the password KDF (scrypt) as Stratus configures it: hashing and verifying. */
export async function benchKdf(count: number): Promise<{ hash: number[]; verify: number[] }> {
  const stored = await hashSecret(ADMIN_PASSWORD);
  const hash = await sample(count, 1, async () => {
    await hashSecret(ADMIN_PASSWORD);
  });
  const verify = await sample(count, 1, async () => {
    if (!(await verifySecret(ADMIN_PASSWORD, stored))) throw new Error("verifySecret rejected its own hash");
  });
  return { hash, verify };
}

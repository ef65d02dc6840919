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

/** Times `fn` once, in milliseconds. */
async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * Sequential token issues over HTTP (password method, project scope), with `kdfRuns` in-process
 * scrypt verifications spread between them, so both see the same load on a shared machine.
 * Also times hashSecret, for reference. All figures in milliseconds.
 */
export async function benchIssue(client: Client, issues: number, kdfRuns: number, warmup: number) {
  const stored = await hashSecret(ADMIN_PASSWORD);
  const verifyOnce = async () => {
    if (!(await verifySecret(ADMIN_PASSWORD, stored))) throw new Error("verifySecret rejected its own hash");
  };
  for (let i = 0; i < warmup; i++) await issueToken(client);
  await verifyOnce();
  const issue: number[] = [];
  const verify: number[] = [];
  const tokens: string[] = [];
  for (let i = 0; i < issues; i++) {
    issue.push(await timed(async () => tokens.push(await issueToken(client))));
    if (verify.length < Math.floor(((i + 1) * kdfRuns) / issues)) verify.push(await timed(verifyOnce));
  }
  const hash = await sample(kdfRuns, 0, async () => {
    await hashSecret(ADMIN_PASSWORD);
  });
  // Each fresh token's first validation misses the server's token cache.
  const uncached: number[] = [];
  for (const token of tokens) uncached.push(await timed(() => validateToken(client, token)));
  return { issue, verify, hash, uncached };
}

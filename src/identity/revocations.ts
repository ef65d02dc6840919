import { MAX_TOKEN_TTL_SECONDS } from "../config.ts";
import type { IdentityDeps, IdentityTx } from "./deps.ts";
import { insertRevocation, pruneRevocations } from "./store-credentials.ts";

export interface RevocationMatch {
  audit_id?: string;
  user_id?: string;
  project_id?: string;
  application_credential_id?: string;
}

/** Records that every token matching `match` issued until now is no longer valid. */
export async function revokeTokens(
  deps: IdentityDeps,
  tx: IdentityTx,
  match: RevocationMatch,
): Promise<void> {
  const now = deps.clock.now().toISOString();
  await insertRevocation(tx.db, {
    audit_id: match.audit_id ?? null,
    user_id: match.user_id ?? null,
    project_id: match.project_id ?? null,
    application_credential_id: match.application_credential_id ?? null,
    issued_before: now,
    created_at: now,
  });
  // Tokens live at most MAX_TOKEN_TTL_SECONDS, so older revocations can never match again.
  const horizon = new Date(deps.clock.now().getTime() - (MAX_TOKEN_TTL_SECONDS + 3600) * 1000);
  await pruneRevocations(tx.db, horizon.toISOString());
}

import type { Kysely, Selectable } from "kysely";
import type { IdentityTables } from "./tables.ts";

/** Queries for application credentials and token revocations. */
type Db = Kysely<IdentityTables>;
export type AppCredentialRow = Selectable<IdentityTables["application_credentials"]>;
export type RevocationRow = Omit<Selectable<IdentityTables["revocations"]>, "id">;

export function selectAppCredential(db: Db, id: string): Promise<AppCredentialRow | undefined> {
  return db.selectFrom("application_credentials").selectAll().where("id", "=", id).executeTakeFirst();
}

export function selectAppCredentials(
  db: Db,
  f: { user_id: string; name?: string | undefined },
): Promise<AppCredentialRow[]> {
  let query = db
    .selectFrom("application_credentials")
    .selectAll()
    .where("user_id", "=", f.user_id)
    .orderBy("name");
  if (f.name !== undefined) query = query.where("name", "=", f.name);
  return query.execute();
}

export async function insertAppCredential(db: Db, row: AppCredentialRow): Promise<void> {
  await db.insertInto("application_credentials").values(row).execute();
}

export async function deleteAppCredentialRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom("application_credentials").where("id", "=", id).execute();
}

export async function insertRevocation(db: Db, row: RevocationRow): Promise<void> {
  await db.insertInto("revocations").values(row).execute();
}

/** True if any revocation event matches a token with these attributes. */
export async function isRevoked(
  db: Db,
  token: {
    audit_ids: readonly string[];
    user_id: string;
    project_id: string | null;
    app_cred_id: string | null;
    issued_at: string;
  },
): Promise<boolean> {
  const row = await db
    .selectFrom("revocations")
    .select("id")
    .where("issued_before", ">=", token.issued_at)
    .where((eb) =>
      eb.or([
        eb("audit_id", "in", [...token.audit_ids]),
        eb.and([eb("user_id", "=", token.user_id), eb("project_id", "is", null)]),
        eb.and([eb("user_id", "is", null), eb("project_id", "=", token.project_id ?? "")]),
        eb("application_credential_id", "=", token.app_cred_id ?? ""),
      ]),
    )
    .executeTakeFirst();
  return row !== undefined;
}

/** Revocations older than the longest token lifetime can never match again. */
export async function pruneRevocations(db: Db, before: string): Promise<void> {
  await db.deleteFrom("revocations").where("issued_before", "<", before).execute();
}

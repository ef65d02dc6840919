import type { Kysely } from "kysely";
import type { AuthContext } from "../http/auth.ts";
import { hexId } from "../lib/ids.ts";
import { keystoneTime } from "../lib/time.ts";
import { effectiveRoles } from "./assignments.ts";
import { buildCatalog, type CatalogEntry } from "./catalog.ts";
import { emit, reader, write, type IdentityDeps } from "./deps.ts";
import { AuthenticationRequired, IdentityNotFound } from "./errors.ts";
import type { KeyRepository } from "./keys.ts";
import { verifySecret } from "./passwords.ts";
import { revokeTokens } from "./revocations.ts";
import type { AuthRequest } from "./schemas.ts";
import * as store from "./store.ts";
import { isRevoked, selectAppCredential, selectAppCredentials } from "./store-credentials.ts";
import type { IdentityTables } from "./tables.ts";
import { openToken, sealToken, type TokenPayload, type TokenScope } from "./token-format.ts";

type Db = Kysely<IdentityTables>;
type Identity = AuthRequest["identity"];
type UserRef = NonNullable<Identity["password"]>["user"];

const CACHE_MS = 30_000;
const CACHE_LIMIT = 10_000;

/**
 * Issues and validates stateless tokens. A token names the user, scope and methods; roles are
 * resolved at validation, so a removed role stops working at once. Validated tokens are cached
 * briefly; the cache is dropped whenever an identity change is committed (here or on another node).
 */
export class TokenService {
  private readonly cache = new Map<string, { auth: AuthContext; until: number }>();
  private readonly keys: Buffer[];

  constructor(
    private readonly deps: IdentityDeps,
    keyRepository: KeyRepository,
    private readonly ttlSeconds: number,
  ) {
    this.keys = keyRepository.load();
    deps.events.onWake((type) => {
      if (type === "" || type.startsWith("identity.")) this.cache.clear();
    });
  }

  /** POST /v3/auth/tokens: authenticates, scopes, and returns the new token with its context. */
  async issue(request: AuthRequest): Promise<{ token: string; auth: AuthContext }> {
    const db = reader(this.deps);
    const now = this.deps.clock.now();
    const { identity } = request;
    let payload: TokenPayload;
    if (identity.methods.includes("token")) {
      const parent = identity.token ? await this.validate(identity.token.id) : null;
      if (parent === null) throw new AuthenticationRequired();
      payload = {
        user_id: parent.user_id,
        methods: [...new Set(["token", ...parent.methods])],
        scope: await resolveScope(db, request, parent.user_id),
        expires_at: Math.floor(parent.expires_at.getTime() / 1000),
        issued_at: now.getTime(),
        audit_ids: [hexId(), parent.audit_ids.at(-1) ?? hexId()],
      };
    } else if (identity.methods.includes("application_credential") && identity.application_credential) {
      const credential = await authenticateAppCredential(db, identity.application_credential, now);
      payload = {
        user_id: credential.user_id,
        methods: ["application_credential"],
        scope: { type: "project", project_id: credential.project_id },
        expires_at: this.expiry(now, credential.expires_at),
        issued_at: now.getTime(),
        audit_ids: [hexId()],
        application_credential_id: credential.id,
      };
    } else if (identity.methods.includes("password") && identity.password) {
      const user = await authenticatePassword(db, identity.password.user);
      payload = {
        user_id: user.id,
        methods: ["password"],
        scope: await resolveScope(db, request, user.id, user.default_project_id),
        expires_at: this.expiry(now, null),
        issued_at: now.getTime(),
        audit_ids: [hexId()],
      };
    } else {
      throw new AuthenticationRequired();
    }
    const auth = await this.contextOf(payload);
    if (auth === null) throw new AuthenticationRequired(scopeFailure(payload));
    return { token: sealToken(payload, this.primaryKey()), auth };
  }

  /** The caller's context, or null if the token is malformed, expired, revoked or now unusable. */
  async validate(token: string): Promise<AuthContext | null> {
    const now = this.deps.clock.now().getTime();
    const cached = this.cache.get(token);
    if (cached && cached.until > now) return cached.auth;
    const payload = openToken(token, this.keys);
    if (payload === undefined) return null;
    const auth = await this.contextOf(payload);
    if (auth !== null) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(token, { auth, until: Math.min(now + CACHE_MS, auth.expires_at.getTime()) });
    }
    return auth;
  }

  /** DELETE /v3/auth/tokens: revokes exactly that token (by its audit id). */
  async revoke(auth: AuthContext): Promise<void> {
    await write(this.deps, async (tx) => {
      await revokeTokens(this.deps, tx, { audit_id: auth.audit_ids[0] ?? "" });
      await emit(this.deps, tx, "token.revoked", auth.user_id);
    });
  }

  /** The `token` object of Keystone's token responses. */
  async body(auth: AuthContext, withCatalog: boolean): Promise<Record<string, unknown>> {
    const db = reader(this.deps);
    const domainName = async (id: string) => (await store.selectDomain(db, id))?.name ?? id;
    const scope: Record<string, unknown> = {};
    if (auth.project_id !== null && auth.project_domain_id !== null) {
      scope.project = {
        id: auth.project_id,
        name: auth.project_name,
        domain: { id: auth.project_domain_id, name: await domainName(auth.project_domain_id) },
      };
      scope.is_domain = false;
    } else if (auth.domain_id !== null) {
      scope.domain = { id: auth.domain_id, name: await domainName(auth.domain_id) };
    } else if (auth.system) {
      scope.system = { all: true };
    }
    const scoped = Object.keys(scope).length > 0;
    return {
      methods: auth.methods,
      user: {
        id: auth.user_id,
        name: auth.user_name,
        domain: { id: auth.user_domain_id, name: await domainName(auth.user_domain_id) },
        password_expires_at: null,
      },
      audit_ids: auth.audit_ids,
      expires_at: keystoneTime(auth.expires_at),
      issued_at: keystoneTime(auth.issued_at),
      ...scope,
      ...(scoped ? { roles: auth.role_ids.map((id, i) => ({ id, name: auth.roles[i] })) } : {}),
      ...(scoped && withCatalog ? { catalog: await this.catalog() } : {}),
      ...(auth.application_credential_id !== null
        ? await this.appCredentialInfo(auth.application_credential_id)
        : {}),
    };
  }

  catalog(): Promise<CatalogEntry[]> {
    return buildCatalog(this.deps);
  }

  private async appCredentialInfo(id: string): Promise<Record<string, unknown>> {
    const row = await selectAppCredential(reader(this.deps), id);
    return { application_credential: { id, name: row?.name ?? "", restricted: row?.unrestricted !== 1 } };
  }

  private expiry(now: Date, cap: string | null): number {
    const ttl = Math.floor(now.getTime() / 1000) + this.ttlSeconds;
    return cap === null ? ttl : Math.min(ttl, Math.floor(new Date(cap).getTime() / 1000));
  }

  private primaryKey(): Buffer {
    const key = this.keys[0];
    if (key === undefined) throw new Error("no token keys loaded");
    return key;
  }

  /** Checks everything that can make a token unusable and resolves its roles. */
  private async contextOf(payload: TokenPayload): Promise<AuthContext | null> {
    const db = reader(this.deps);
    const now = this.deps.clock.now();
    if (payload.expires_at * 1000 <= now.getTime()) return null;
    const user = await store.selectUser(db, payload.user_id);
    if (user === undefined || user.enabled !== 1 || !(await domainEnabled(db, user.domain_id))) return null;
    const projectId = payload.scope.type === "project" ? payload.scope.project_id : null;
    const revoked = await isRevoked(db, {
      audit_ids: payload.audit_ids,
      user_id: payload.user_id,
      project_id: projectId,
      app_cred_id: payload.application_credential_id ?? null,
      issued_at: new Date(payload.issued_at).toISOString(),
    });
    if (revoked) return null;
    const scope = await scopeTarget(db, payload.scope);
    if (scope === null) return null;
    let roles = scope.type === "unscoped" ? [] : await effectiveRoles(db, user.id, scope);
    if (payload.application_credential_id !== undefined) {
      const credential = await selectAppCredential(db, payload.application_credential_id);
      if (credential === undefined) return null;
      const allowed = new Set(JSON.parse(credential.role_ids) as string[]);
      roles = roles.filter((role) => allowed.has(role.id));
    }
    if (scope.type !== "unscoped" && roles.length === 0) return null;
    return {
      user_id: user.id,
      user_name: user.name,
      user_domain_id: user.domain_id,
      project_id: projectId,
      project_name: scope.type === "project" ? scope.name : null,
      project_domain_id: scope.type === "project" ? scope.domain_id : null,
      domain_id: payload.scope.type === "domain" ? payload.scope.domain_id : null,
      system: payload.scope.type === "system",
      roles: roles.map((role) => role.name),
      role_ids: roles.map((role) => role.id),
      methods: payload.methods,
      audit_ids: payload.audit_ids,
      expires_at: new Date(payload.expires_at * 1000),
      issued_at: new Date(payload.issued_at),
      application_credential_id: payload.application_credential_id ?? null,
    };
  }
}

type ResolvedScope =
  | { type: "project"; id: string; name: string; domain_id: string }
  | { type: "domain"; id: string }
  | { type: "system"; id: "all" }
  | { type: "unscoped" };

async function scopeTarget(db: Db, scope: TokenScope): Promise<ResolvedScope | null> {
  if (scope.type === "project") {
    const project = await store.selectProject(db, scope.project_id);
    if (project === undefined || project.enabled !== 1 || !(await domainEnabled(db, project.domain_id)))
      return null;
    return { type: "project", id: project.id, name: project.name, domain_id: project.domain_id };
  }
  if (scope.type === "domain")
    return (await domainEnabled(db, scope.domain_id)) ? { type: "domain", id: scope.domain_id } : null;
  return scope.type === "system" ? { type: "system", id: "all" } : { type: "unscoped" };
}

async function domainEnabled(db: Db, id: string): Promise<boolean> {
  return (await store.selectDomain(db, id))?.enabled === 1;
}

/** Every failure is the same 401: the caller learns nothing about which part was wrong. */
async function authenticatePassword(db: Db, ref: UserRef): Promise<store.UserRow> {
  const user = await findUser(db, ref);
  const ok = await verifySecret(ref.password ?? "", user?.password_hash ?? null);
  if (!ok || user === undefined || user.enabled !== 1 || !(await domainEnabled(db, user.domain_id))) {
    throw new AuthenticationRequired();
  }
  return user;
}

async function authenticateAppCredential(
  db: Db,
  ref: NonNullable<Identity["application_credential"]>,
  now: Date,
) {
  let credential = ref.id !== undefined ? await selectAppCredential(db, ref.id) : undefined;
  if (ref.id === undefined && ref.name !== undefined && ref.user !== undefined) {
    const user = await findUser(db, ref.user);
    if (user !== undefined)
      credential = (await selectAppCredentials(db, { user_id: user.id, name: ref.name }))[0];
  }
  const ok = await verifySecret(ref.secret, credential?.secret_hash ?? null);
  if (!ok || credential === undefined) throw new AuthenticationRequired();
  if (credential.expires_at !== null && new Date(credential.expires_at) <= now)
    throw new AuthenticationRequired();
  return credential;
}

async function findUser(db: Db, ref: UserRef): Promise<store.UserRow | undefined> {
  if (ref.id !== undefined) return store.selectUser(db, ref.id);
  if (ref.name === undefined) return undefined;
  const domainId =
    ref.domain?.id ??
    (ref.domain?.name ? (await store.selectDomainByName(db, ref.domain.name))?.id : undefined);
  return domainId === undefined ? undefined : store.selectUserByName(db, domainId, ref.name);
}

/** Turns the request's scope (ids or names) into a token scope; the default project if none. */
async function resolveScope(
  db: Db,
  request: AuthRequest,
  userId: string,
  defaultProjectId: string | null = null,
): Promise<TokenScope> {
  const scope = request.scope;
  if (scope === undefined || scope === "unscoped") {
    if (scope === undefined && defaultProjectId !== null) {
      const roles = await effectiveRoles(db, userId, { type: "project", id: defaultProjectId });
      if (roles.length > 0) return { type: "project", project_id: defaultProjectId };
    }
    return { type: "unscoped" };
  }
  if (scope.system) return { type: "system" };
  if (scope.domain) {
    const domain = scope.domain.id
      ? await store.selectDomain(db, scope.domain.id)
      : await store.selectDomainByName(db, scope.domain.name ?? "");
    if (domain === undefined)
      throw new AuthenticationRequired(
        `Could not find domain: ${scope.domain.id ?? scope.domain.name ?? ""}.`,
      );
    return { type: "domain", domain_id: domain.id };
  }
  if (scope.project) {
    const ref = scope.project;
    let project = ref.id ? await store.selectProject(db, ref.id) : undefined;
    if (ref.id === undefined && ref.name !== undefined) {
      const domainId = ref.domain?.id ?? (await store.selectDomainByName(db, ref.domain?.name ?? ""))?.id;
      if (domainId !== undefined) project = await store.selectProjectByName(db, domainId, ref.name);
    }
    if (project === undefined) throw new IdentityNotFound("project", ref.id ?? ref.name ?? "");
    return { type: "project", project_id: project.id };
  }
  return { type: "unscoped" };
}

function scopeFailure(payload: TokenPayload): string {
  const { scope } = payload;
  if (scope.type === "project") return `User ${payload.user_id} has no access to project ${scope.project_id}`;
  if (scope.type === "domain") return `User ${payload.user_id} has no access to domain ${scope.domain_id}`;
  if (scope.type === "system") return `User ${payload.user_id} has no access to the system`;
  return "The request you have made requires authentication.";
}

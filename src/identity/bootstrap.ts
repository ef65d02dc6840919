import { hexId } from "../lib/ids.ts";
import type { ServiceEntry } from "../services.ts";
import { emit, write, type IdentityDeps, type IdentityTx } from "./deps.ts";
import { hashSecret } from "./passwords.ts";
import * as store from "./store.ts";
import * as catalogStore from "./store-catalog.ts";
import * as roleStore from "./store-roles.ts";

export interface BootstrapOptions {
  baseUrl: string;
  region: string;
  /** Sets the admin password when given; a new admin without one gets `generatePassword()`. */
  adminPassword: string | undefined;
  services: readonly ServiceEntry[];
}

/**
 * Like `keystone-manage bootstrap`, and safe to run on every start: creates what is missing (the
 * Default domain, admin project and user, the admin > member > reader roles, the region and an
 * endpoint per interface for every service) and points the endpoints at the current base URL.
 * Returns the admin password when it set one.
 */
export async function bootstrapIdentity(
  deps: IdentityDeps,
  options: BootstrapOptions,
  generatePassword: () => string,
): Promise<string | undefined> {
  const existingAdmin = await store.selectUserByName(deps.db.as(), "default", "admin");
  const password = options.adminPassword ?? (existingAdmin ? undefined : generatePassword());
  const passwordHash = password === undefined ? undefined : await hashSecret(password);
  await write(deps, async (tx) => {
    if (!(await store.selectDomain(tx.db, "default"))) {
      await store.insertDomain(tx.db, {
        id: "default",
        name: "Default",
        description: "The default domain",
        enabled: 1,
      });
      await emit(deps, tx, "domain.created", "default");
    }
    const roles = {
      admin: await ensureRole(deps, tx, "admin"),
      member: await ensureRole(deps, tx, "member"),
      reader: await ensureRole(deps, tx, "reader"),
    };
    await roleStore.insertImpliedRole(tx.db, roles.admin, roles.member);
    await roleStore.insertImpliedRole(tx.db, roles.member, roles.reader);
    const project = await ensureAdminProject(deps, tx);
    const userId = await ensureAdminUser(deps, tx, passwordHash);
    await roleStore.insertAssignment(tx.db, {
      actor_type: "user",
      actor_id: userId,
      target_type: "project",
      target_id: project,
      role_id: roles.admin,
    });
    await roleStore.insertAssignment(tx.db, {
      actor_type: "user",
      actor_id: userId,
      target_type: "system",
      target_id: "all",
      role_id: roles.admin,
    });
    await ensureCatalog(tx, options);
  });
  return password;
}

async function ensureRole(deps: IdentityDeps, tx: IdentityTx, name: string): Promise<string> {
  const [existing] = await roleStore.selectRoles(tx.db, { name });
  if (existing) return existing.id;
  const id = hexId();
  await roleStore.insertRole(tx.db, { id, name, domain_id: "", description: "" });
  await emit(deps, tx, "role.created", id);
  return id;
}

async function ensureAdminProject(deps: IdentityDeps, tx: IdentityTx): Promise<string> {
  const existing = await store.selectProjectByName(tx.db, "default", "admin");
  if (existing) return existing.id;
  const id = hexId();
  await store.insertProject(tx.db, {
    id,
    name: "admin",
    domain_id: "default",
    parent_id: null,
    description: "Bootstrap project for initializing the cloud.",
    enabled: 1,
  });
  await emit(deps, tx, "project.created", id, id);
  return id;
}

async function ensureAdminUser(
  deps: IdentityDeps,
  tx: IdentityTx,
  passwordHash: string | undefined,
): Promise<string> {
  const existing = await store.selectUserByName(tx.db, "default", "admin");
  if (existing) {
    if (passwordHash !== undefined)
      await store.updateUserRow(tx.db, existing.id, { password_hash: passwordHash, enabled: 1 });
    return existing.id;
  }
  const id = hexId();
  await store.insertUser(tx.db, {
    id,
    name: "admin",
    domain_id: "default",
    enabled: 1,
    password_hash: passwordHash ?? null,
    default_project_id: null,
    extra: "{}",
    created_at: deps.clock.now().toISOString(),
  });
  await emit(deps, tx, "user.created", id);
  return id;
}

async function ensureCatalog(tx: IdentityTx, options: BootstrapOptions): Promise<void> {
  if (!(await catalogStore.selectRegion(tx.db, options.region))) {
    await catalogStore.insertRegion(tx.db, { id: options.region, description: "", parent_region_id: null });
  }
  for (const entry of options.services) {
    const [existing] = await catalogStore.selectServices(tx.db, { type: entry.type, name: entry.name });
    const serviceId = existing?.id ?? hexId();
    if (!existing) {
      await catalogStore.insertService(tx.db, {
        id: serviceId,
        type: entry.type,
        name: entry.name,
        description: entry.description,
        enabled: 1,
      });
    }
    const url = `${options.baseUrl}${entry.path}`;
    const endpoints = await catalogStore.selectEndpoints(tx.db, {
      service_id: serviceId,
      region_id: options.region,
    });
    for (const iface of ["public", "internal", "admin"] as const) {
      const endpoint = endpoints.find((e) => e.interface === iface);
      if (!endpoint) {
        await catalogStore.insertEndpoint(tx.db, {
          id: hexId(),
          service_id: serviceId,
          interface: iface,
          url,
          region_id: options.region,
          enabled: 1,
        });
      } else if (endpoint.url !== url) {
        await catalogStore.updateEndpointRow(tx.db, endpoint.id, { url });
      }
    }
  }
}

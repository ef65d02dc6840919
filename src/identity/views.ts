import type { AppCredentialRow } from "./store-credentials.ts";
import type { EndpointRow, RegionRow, ServiceRow } from "./store-catalog.ts";
import type { RoleRow } from "./store-roles.ts";
import type { DomainRow, GroupRow, ProjectRow, UserRow } from "./store.ts";

/** Rows to Keystone's wire shapes (without `links`, which the routes add). */

export function domainView(row: DomainRow) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    enabled: row.enabled === 1,
    tags: [],
    options: {},
  };
}

export function projectView(row: ProjectRow, tags: readonly string[] = []) {
  return {
    id: row.id,
    name: row.name,
    domain_id: row.domain_id,
    // Keystone reports a top-level project's parent as its domain.
    parent_id: row.parent_id ?? row.domain_id,
    description: row.description,
    enabled: row.enabled === 1,
    is_domain: false,
    tags: [...tags],
    options: {},
  };
}

export function userView(row: UserRow) {
  const extra = JSON.parse(row.extra) as Record<string, unknown>;
  return {
    ...extra,
    id: row.id,
    name: row.name,
    domain_id: row.domain_id,
    enabled: row.enabled === 1,
    password_expires_at: null,
    options: {},
    ...(row.default_project_id !== null ? { default_project_id: row.default_project_id } : {}),
  };
}

export function groupView(row: GroupRow) {
  return { id: row.id, name: row.name, domain_id: row.domain_id, description: row.description };
}

export function roleView(row: RoleRow) {
  return {
    id: row.id,
    name: row.name,
    domain_id: row.domain_id === "" ? null : row.domain_id,
    description: row.description === "" ? null : row.description,
    options: {},
  };
}

export function regionView(row: RegionRow) {
  return { id: row.id, description: row.description, parent_region_id: row.parent_region_id };
}

export function serviceView(row: ServiceRow) {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    description: row.description,
    enabled: row.enabled === 1,
  };
}

export function endpointView(row: EndpointRow) {
  return {
    id: row.id,
    service_id: row.service_id,
    interface: row.interface,
    url: row.url,
    region_id: row.region_id,
    region: row.region_id,
    enabled: row.enabled === 1,
  };
}

/** Keystone lists `access_rules` only when there are some, and Stratus accepts none. */
export function appCredentialView(row: AppCredentialRow, roles: readonly RoleRow[]) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    user_id: row.user_id,
    project_id: row.project_id,
    system: null,
    expires_at: row.expires_at,
    unrestricted: row.unrestricted === 1,
    roles: roles.map(roleView),
  };
}

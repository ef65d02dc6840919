import type { Generated } from "kysely";

/** Identity's slice of the schema. Booleans are 0/1 integers; timestamps ISO text. */
export interface IdentityTables {
  domains: { id: string; name: string; description: string; enabled: number };
  projects: {
    id: string;
    name: string;
    domain_id: string;
    parent_id: string | null;
    description: string;
    enabled: number;
  };
  project_tags: { project_id: string; tag: string };
  users: {
    id: string;
    name: string;
    domain_id: string;
    enabled: number;
    password_hash: string | null;
    default_project_id: string | null;
    /** JSON object of the attributes Keystone keeps beside the schema (email, description...). */
    extra: string;
    created_at: string;
  };
  groups: { id: string; name: string; domain_id: string; description: string };
  group_members: { group_id: string; user_id: string };
  roles: { id: string; name: string; domain_id: string; description: string };
  implied_roles: { prior_role_id: string; implied_role_id: string };
  role_assignments: {
    actor_type: ActorType;
    actor_id: string;
    target_type: TargetType;
    target_id: string;
    role_id: string;
    inherited: number;
  };
  regions: { id: string; description: string; parent_region_id: string | null };
  services: { id: string; type: string; name: string; description: string; enabled: number };
  endpoints: {
    id: string;
    service_id: string;
    interface: EndpointInterface;
    url: string;
    region_id: string | null;
    enabled: number;
  };
  application_credentials: {
    id: string;
    name: string;
    user_id: string;
    project_id: string;
    secret_hash: string;
    description: string | null;
    expires_at: string | null;
    unrestricted: number;
    /** JSON array of role ids the credential may use. */
    role_ids: string;
  };
  revocations: {
    id: Generated<number>;
    audit_id: string | null;
    user_id: string | null;
    project_id: string | null;
    application_credential_id: string | null;
    issued_before: string;
    created_at: string;
  };
}

export type ActorType = "user" | "group";
export type TargetType = "project" | "domain" | "system";
export type EndpointInterface = "public" | "internal" | "admin";

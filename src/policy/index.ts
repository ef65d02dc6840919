/**
 * Policy as a table of rules per action, with OpenStack's default roles: admin implies member
 * implies reader (role inference is resolved before the credentials get here).
 */
export interface Credentials {
  user_id: string;
  /** Set for project-scoped tokens. */
  project_id: string | null;
  /** Set for domain-scoped tokens. */
  domain_id: string | null;
  system: boolean;
  roles: readonly string[];
}

/** Attributes of the thing acted on (`project_id`, `user_id`, `domain_id`, ...). */
export type Target = Readonly<Record<string, string | null | undefined>>;

export type Rule = (credentials: Credentials, target: Target) => boolean;
export type PolicyTable = Readonly<Record<string, Rule>>;

const hasRole =
  (role: string): Rule =>
  (c) =>
    c.roles.includes(role);

/** Admin in any scope is the cloud admin (as with enforce_scope off, OpenStack's default). */
export const admin: Rule = hasRole("admin");
export const member: Rule = hasRole("member");
export const reader: Rule = hasRole("reader");
export const systemReader: Rule = (c, t) => c.system && reader(c, t);
export const projectReader: Rule = (c, t) =>
  reader(c, t) && c.project_id !== null && c.project_id === t.project_id;
export const projectMember: Rule = (c, t) =>
  member(c, t) && c.project_id !== null && c.project_id === t.project_id;
export const self: Rule = (c, t) => c.user_id === t.user_id;
export const anyone: Rule = () => true;

export const anyOf =
  (...rules: Rule[]): Rule =>
  (c, t) =>
    rules.some((rule) => rule(c, t));

export const allOf =
  (...rules: Rule[]): Rule =>
  (c, t) =>
    rules.every((rule) => rule(c, t));

/** True if the table allows the action; an action missing from the table is admin-only. */
export function allows(
  table: PolicyTable,
  action: string,
  credentials: Credentials,
  target: Target = {},
): boolean {
  return (table[action] ?? admin)(credentials, target);
}

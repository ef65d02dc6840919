/**
 * Request cases replayed against a real Keystone (test/parity/record.ts) and against Stratus
 * (test/parity/keystone.test.ts). They run in order; `save` names values from a response that later
 * cases use as `{name}` in their path, headers and body strings.
 *
 * Built-in placeholders: {suffix} (random, makes names unique; normalised to "<suffix>"),
 * {admin_password} (the admin user's password on the server under test) and {missing_id} (an id
 * that names nothing).
 */

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ParityCase {
  name: string;
  method: Method;
  /** Relative to /v3 ("" is /v3 itself); with `root`, relative to the identity root instead. */
  path: string;
  root?: true;
  body?: unknown;
  /** Sent as-is instead of `body` (malformed JSON). */
  raw?: string;
  /** Whose X-Auth-Token goes with the request: the project-scoped admin's, or none. */
  as: "admin" | "none";
  headers?: Record<string, string>;
  /** Values later cases refer to: a dotted path into the response body, or "header:<name>". */
  save?: Record<string, string>;
}

const passwordAuth = (password: string) => ({
  auth: {
    identity: {
      methods: ["password"],
      password: { user: { name: "admin", domain: { id: "default" }, password } },
    },
    scope: { project: { name: "admin", domain: { id: "default" } } },
  },
});

const projectName = "parity-project-{suffix}";
const userName = "parity-user-{suffix}";
const groupName = "parity-group-{suffix}";

export const cases: readonly ParityCase[] = [
  { name: "version discovery at the root", method: "GET", path: "/", root: true, as: "none" },
  { name: "version discovery at /v3", method: "GET", path: "", as: "none" },

  {
    name: "token issue (password, project scope)",
    method: "POST",
    path: "/auth/tokens",
    body: passwordAuth("{admin_password}"),
    as: "none",
    save: { issued_token: "header:x-subject-token", admin_user_id: "token.user.id" },
  },
  {
    name: "token validate",
    method: "GET",
    path: "/auth/tokens",
    headers: { "X-Subject-Token": "{issued_token}" },
    as: "admin",
  },
  {
    name: "token issue with a wrong password",
    method: "POST",
    path: "/auth/tokens",
    body: passwordAuth("{admin_password}-wrong"),
    as: "none",
  },
  { name: "project list without a token", method: "GET", path: "/projects", as: "none" },

  {
    name: "project create",
    method: "POST",
    path: "/projects",
    body: { project: { name: projectName, description: "parity" } },
    as: "admin",
    save: { project_id: "project.id" },
  },
  { name: "project get", method: "GET", path: "/projects/{project_id}", as: "admin" },
  { name: "project list by name", method: "GET", path: `/projects?name=${projectName}`, as: "admin" },
  {
    name: "project update",
    method: "PATCH",
    path: "/projects/{project_id}",
    body: { project: { description: "changed" } },
    as: "admin",
  },
  {
    name: "project create with a duplicate name",
    method: "POST",
    path: "/projects",
    body: { project: { name: projectName } },
    as: "admin",
  },
  { name: "project get of a missing id", method: "GET", path: "/projects/{missing_id}", as: "admin" },
  {
    name: "project create with a number for name",
    method: "POST",
    path: "/projects",
    body: { project: { name: 5 } },
    as: "admin",
  },
  {
    name: "project create with an empty name",
    method: "POST",
    path: "/projects",
    body: { project: { name: "" } },
    as: "admin",
  },
  {
    name: "project create without a name",
    method: "POST",
    path: "/projects",
    body: { project: { description: "nameless" } },
    as: "admin",
  },
  {
    name: "project create with a string for enabled",
    method: "POST",
    path: "/projects",
    body: { project: { name: "parity-other-{suffix}", enabled: "yes" } },
    as: "admin",
  },
  {
    name: "project create with malformed JSON",
    method: "POST",
    path: "/projects",
    raw: '{"project": {"name": ',
    as: "admin",
  },

  {
    name: "user create (email, default project)",
    method: "POST",
    path: "/users",
    body: {
      user: {
        name: userName,
        password: "parity-pw",
        email: "parity@example.org",
        default_project_id: "{project_id}",
      },
    },
    as: "admin",
    save: { user_id: "user.id" },
  },
  { name: "user get", method: "GET", path: "/users/{user_id}", as: "admin" },
  {
    name: "user create with a duplicate name",
    method: "POST",
    path: "/users",
    body: { user: { name: userName } },
    as: "admin",
  },
  {
    name: "group create",
    method: "POST",
    path: "/groups",
    body: { group: { name: groupName, description: "parity" } },
    as: "admin",
    save: { group_id: "group.id" },
  },
  {
    name: "group create with a duplicate name",
    method: "POST",
    path: "/groups",
    body: { group: { name: groupName } },
    as: "admin",
  },

  {
    name: "role list by name",
    method: "GET",
    path: "/roles?name=member",
    as: "admin",
    save: { member_role_id: "roles.0.id" },
  },
  {
    name: "grant a role on a project to a user",
    method: "PUT",
    path: "/projects/{project_id}/users/{user_id}/roles/{member_role_id}",
    as: "admin",
  },
  {
    name: "grant a missing role",
    method: "PUT",
    path: "/projects/{project_id}/users/{user_id}/roles/{missing_id}",
    as: "admin",
  },
  {
    name: "role assignments on a project with names",
    method: "GET",
    path: "/role_assignments?scope.project.id={project_id}&include_names=True",
    as: "admin",
  },
  {
    name: "effective role assignments on a project",
    method: "GET",
    path: "/role_assignments?scope.project.id={project_id}&effective",
    as: "admin",
  },

  { name: "auth projects", method: "GET", path: "/auth/projects", as: "admin" },
  { name: "auth system", method: "GET", path: "/auth/system", as: "admin" },
  { name: "auth catalog", method: "GET", path: "/auth/catalog", as: "admin" },
  { name: "region list", method: "GET", path: "/regions", as: "admin" },
  { name: "endpoint list", method: "GET", path: "/endpoints", as: "admin" },

  {
    name: "application credential create",
    method: "POST",
    path: "/users/{admin_user_id}/application_credentials",
    body: { application_credential: { name: "parity-appcred-{suffix}", description: "parity" } },
    as: "admin",
    save: { app_cred_id: "application_credential.id" },
  },
  {
    name: "application credential get",
    method: "GET",
    path: "/users/{admin_user_id}/application_credentials/{app_cred_id}",
    as: "admin",
  },
  {
    name: "application credential delete",
    method: "DELETE",
    path: "/users/{admin_user_id}/application_credentials/{app_cred_id}",
    as: "admin",
  },

  { name: "group delete", method: "DELETE", path: "/groups/{group_id}", as: "admin" },
  { name: "user delete", method: "DELETE", path: "/users/{user_id}", as: "admin" },
  { name: "project delete", method: "DELETE", path: "/projects/{project_id}", as: "admin" },
  { name: "project get after delete", method: "GET", path: "/projects/{project_id}", as: "admin" },
];

import { admin, anyOf, anyone, self, systemReader, type PolicyTable, type Rule } from "../policy/index.ts";

/**
 * Keystone's defaults, condensed: admin may do anything; system readers may read; users manage
 * their own password, application credentials and view their own projects and groups. Actions
 * not listed are admin-only.
 */
const adminOrSystemReader: Rule = anyOf(admin, systemReader);
const adminOrSelf: Rule = anyOf(admin, systemReader, self);
const ownProject: Rule = (c, t) => c.project_id !== null && c.project_id === t.project_id;

export const identityPolicy: PolicyTable = {
  "identity:get_domain": anyOf(adminOrSystemReader, (c, t) => c.domain_id === t.domain_id),
  "identity:list_domains": adminOrSystemReader,
  "identity:get_project": anyOf(adminOrSystemReader, ownProject),
  "identity:list_projects": adminOrSystemReader,
  "identity:get_user": adminOrSelf,
  "identity:list_users": adminOrSystemReader,
  "identity:list_user_projects": adminOrSelf,
  "identity:list_groups_for_user": adminOrSelf,
  "identity:change_password": self,
  "identity:get_group": adminOrSystemReader,
  "identity:list_groups": adminOrSystemReader,
  "identity:list_users_in_group": adminOrSystemReader,
  "identity:check_user_in_group": adminOrSystemReader,
  "identity:get_role": adminOrSystemReader,
  "identity:list_roles": adminOrSystemReader,
  "identity:get_implied_role": adminOrSystemReader,
  "identity:list_implied_roles": adminOrSystemReader,
  "identity:list_role_inference_rules": adminOrSystemReader,
  "identity:check_grant": adminOrSystemReader,
  "identity:list_grants": adminOrSystemReader,
  "identity:list_role_assignments": anyOf(adminOrSystemReader, self),
  "identity:get_region": anyone,
  "identity:list_regions": anyone,
  "identity:get_service": adminOrSystemReader,
  "identity:list_services": adminOrSystemReader,
  "identity:get_endpoint": adminOrSystemReader,
  "identity:list_endpoints": adminOrSystemReader,
  "identity:get_application_credential": adminOrSelf,
  "identity:list_application_credentials": adminOrSelf,
  "identity:create_application_credential": self,
  "identity:delete_application_credential": adminOrSelf,
  "identity:validate_token": anyOf(adminOrSystemReader, self),
  "identity:check_token": anyOf(adminOrSystemReader, self),
  "identity:revoke_token": anyOf(admin, self),
};

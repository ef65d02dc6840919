import { admin, anyOf, projectMember, projectReader, type PolicyTable, type Rule } from "../policy/index.ts";

/**
 * Neutron's defaults, condensed: admins do anything; project members manage their project's
 * resources and readers read them; shared and external networks are readable by all. Attribute
 * rules (`create_network:shared`, `...:provider:network_type`) are admin-only. Actions not listed
 * are admin-only.
 */
const shared: Rule = (_c, t) => t.shared === "true" || t.external === "true";
const ownerMember = anyOf(admin, projectMember);

export const networkPolicy: PolicyTable = {
  create_network: ownerMember,
  get_network: anyOf(admin, projectReader, shared),
  update_network: ownerMember,
  delete_network: ownerMember,
  create_subnet: ownerMember,
  update_subnet: ownerMember,
  delete_subnet: ownerMember,
  get_quota: anyOf(admin, projectReader),
  create_security_group: ownerMember,
  update_security_group: ownerMember,
  delete_security_group: ownerMember,
  create_security_group_rule: ownerMember,
  delete_security_group_rule: ownerMember,
  create_port: ownerMember,
  update_port: ownerMember,
  delete_port: ownerMember,
};

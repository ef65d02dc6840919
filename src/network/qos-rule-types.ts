import type { AuthContext } from "../http/auth.ts";
import { selectFields, type AttributeMap } from "../lib/attributes.ts";
import { Forbidden } from "../lib/errors.ts";
import { parseListQuery, type QueryParams } from "../lib/list-query.ts";
import { permits, requireAuth } from "./deps.ts";
import { HTTPNotFound } from "./errors.ts";
import { DB_INTEGER_MAX_VALUE, VALID_DIRECTIONS, VALID_DSCP_MARKS } from "./schemas/qos.ts";

/** GET /v2.0/qos/rule-types[/{type}] [qos, qos-rule-type-details]. */

/** The data plane the SDN controller drives; every rule type is realised by it. */
const DRIVER = "virtual";

const range = (name: string) => ({
  parameter_name: name,
  parameter_type: "range",
  parameter_values: { start: 0, end: DB_INTEGER_MAX_VALUE },
});
const choices = (name: string, values: readonly unknown[]) => ({
  parameter_name: name,
  parameter_type: "choices",
  parameter_values: [...values],
});

const RULE_TYPES = [
  {
    type: "bandwidth_limit",
    parameters: [range("max_kbps"), range("max_burst_kbps"), choices("direction", VALID_DIRECTIONS)],
  },
  { type: "dscp_marking", parameters: [choices("dscp_mark", VALID_DSCP_MARKS)] },
] as const;

/** Neutron's rule_types attributes: nothing to filter or sort on, only `fields`. */
const ruleTypeAttributes: AttributeMap = {
  type: { allow_post: false, allow_put: false, is_visible: true },
  drivers: { allow_post: false, allow_put: false, is_visible: true },
};

/** Neutron's NotAuthorized, which its QoS plugin raises for a non-admin rule type look-up. */
export class NotAuthorized extends Forbidden {
  constructor() {
    super("Not authorized.");
  }
}

/** Items failing get_rule_type are left out of the list, as Neutron filters lists by policy. */
export function listRuleTypes(auth: AuthContext | null, params: QueryParams) {
  const caller = requireAuth(auth);
  const { fields } = parseListQuery(ruleTypeAttributes, params);
  if (!permits(caller, "get_rule_type", {})) return [];
  return RULE_TYPES.map(({ type }) => selectFields({ type }, fields));
}

export function getRuleType(auth: AuthContext | null, name: string, params: QueryParams) {
  const caller = requireAuth(auth);
  const { fields } = parseListQuery(ruleTypeAttributes, params);
  if (!permits(caller, "get_rule_type", {})) throw new NotAuthorized();
  const found = RULE_TYPES.find((entry) => entry.type === name);
  if (found === undefined) throw new HTTPNotFound();
  const view = {
    type: found.type,
    drivers: [{ name: DRIVER, supported_parameters: found.parameters.map((p) => ({ ...p })) }],
  };
  return selectFields(view, fields);
}

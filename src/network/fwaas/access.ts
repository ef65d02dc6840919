import type { AuthContext } from "../../http/auth.ts";
import type { Target } from "../../policy/index.ts";
import { isAdmin, permits } from "../deps.ts";
import { PolicyNotAuthorized } from "../errors.ts";

/** Who sees and changes FWaaS resources, as neutron-fwaas's default policies say (policy.ts). */

export const sharedTarget = (row: { project_id: string; shared: number }): Target => ({
  project_id: row.project_id,
  shared: String(row.shared === 1),
});

/** Own, shared, or any for admins (`get_firewall_<resource>`); others' do not exist (404). */
export function canSee(
  caller: AuthContext,
  resource: "firewall_rule" | "firewall_policy" | "firewall_group",
  row: { project_id: string; shared: number },
): boolean {
  return permits(caller, `get_${resource}`, sharedTarget(row));
}

/** `<action>:shared` is admin-only: shared=true on create, shared given at all on update. */
export function refuseShared(caller: AuthContext, action: string, body: Record<string, unknown>): void {
  const given = action.startsWith("create") ? body.shared === true : body.shared !== undefined;
  if (given && !isAdmin(caller)) throw new PolicyNotAuthorized(`${action}:shared`);
}

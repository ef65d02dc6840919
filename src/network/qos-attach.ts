import type { AuthContext } from "../http/auth.ts";
import { isAdmin, type NetworkTx } from "./deps.ts";
import { PolicyRemoveAuthorizationError } from "./errors-qos.ts";
import { canSeePolicy, visiblePolicy } from "./qos-policies.ts";
import { selectPolicy } from "./store-qos.ts";

/**
 * qos_policy_id on ports, networks, floating IPs [qos-fip] and router gateways [qos-gateway-ip].
 * Whoever attaches a policy must be able to see it (own or shared; admins any), else 404 as Neutron.
 */
export async function attachablePolicy(
  db: NetworkTx["db"],
  caller: AuthContext,
  requested: unknown,
): Promise<string | null> {
  if (requested === null || requested === undefined) return null;
  return (await visiblePolicy(db, caller, requested as string)).id;
}

/**
 * The new policy of a resource when the request names one (undefined when it does not).
 * An admin-set limit cannot be lifted by the tenant: a policy the caller cannot see (another
 * project's, not shared — only an admin can have put it there) may not be changed or cleared by
 * that caller, as Neutron's `_check_policy_change_permission` does for ports and networks
 * (PolicyRemoveAuthorizationError, 403). Stratus applies the same rule to floating IPs and router
 * gateways, so the limit holds on every attach point.
 */
export async function nextPolicy(
  db: NetworkTx["db"],
  caller: AuthContext,
  current: string | null,
  requested: unknown,
): Promise<string | null | undefined> {
  if (requested === undefined) return undefined;
  if (current !== null && !isAdmin(caller)) {
    const old = await selectPolicy(db, current);
    if (old !== undefined && !canSeePolicy(caller, old)) throw new PolicyRemoveAuthorizationError(current);
  }
  return attachablePolicy(db, caller, requested);
}

import type { Kysely } from "kysely";
import type { AuthContext } from "../http/auth.ts";
import { permits } from "./deps.ts";
import { NetworkNotFound } from "./errors.ts";
import * as store from "./store.ts";
import { accessOf, NO_ACCESS, type NetworkAccess } from "./store-rbac.ts";
import type { NetworkTables } from "./tables.ts";

/**
 * The network as the caller may see it: their own, one shared with them or with everyone (an
 * access_as_shared RBAC entry), one external for them or for everyone (access_as_external), or
 * any for an admin. Anything else does not exist for them (404), as in Neutron.
 */
export async function visibleNetworkFor(
  db: Kysely<NetworkTables>,
  caller: AuthContext,
  networkId: string,
): Promise<store.NetworkRow> {
  const network = await store.selectNetwork(db, networkId);
  if (network === undefined) throw new NetworkNotFound(networkId);
  // Owners, admins and wildcard entries (mirrored in the row) need no RBAC lookup: the common case.
  if (permits(caller, "get_network", networkTarget(network))) return network;
  const access = (await accessOf(db, [networkId], caller.project_id)).get(networkId) ?? NO_ACCESS;
  if (!permits(caller, "get_network", networkTarget(network, access))) throw new NetworkNotFound(networkId);
  return network;
}

/**
 * The policy target of a network. Without `access`, what the row says (wildcard entries only);
 * with it, what the RBAC entries grant the caller's project.
 */
export function networkTarget(
  row: Pick<store.NetworkRow, "project_id" | "shared" | "external">,
  access?: NetworkAccess,
) {
  return {
    project_id: row.project_id,
    shared: String(row.shared === 1 || access?.sharedWithProject === true),
    external: String(row.external === 1 || access?.externalForProject === true),
  };
}

/** Whether the network is external for the project: for everyone, or through an RBAC entry. */
export async function isExternalFor(
  db: Kysely<NetworkTables>,
  projectId: string,
  network: store.NetworkRow,
): Promise<boolean> {
  if (network.external === 1) return true;
  return ((await accessOf(db, [network.id], projectId)).get(network.id) ?? NO_ACCESS).externalForProject;
}

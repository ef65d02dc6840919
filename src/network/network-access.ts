import type { Kysely } from "kysely";
import type { AuthContext } from "../http/auth.ts";
import { permits } from "./deps.ts";
import { NetworkNotFound } from "./errors.ts";
import * as store from "./store.ts";
import type { NetworkTables } from "./tables.ts";

/**
 * The network as the caller may see it: their own, a shared or external one, or any for an admin.
 * Anything else does not exist for them (404), as in Neutron.
 */
export async function visibleNetworkFor(
  db: Kysely<NetworkTables>,
  caller: AuthContext,
  networkId: string,
): Promise<store.NetworkRow> {
  const network = await store.selectNetwork(db, networkId);
  if (network === undefined || !permits(caller, "get_network", networkTarget(network)))
    throw new NetworkNotFound(networkId);
  return network;
}

/** The policy target of a network. */
export function networkTarget(row: Pick<store.NetworkRow, "project_id" | "shared" | "external">) {
  return {
    project_id: row.project_id,
    shared: String(row.shared === 1),
    external: String(row.external === 1),
  };
}

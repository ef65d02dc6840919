import type { Kysely } from "kysely";
import type { AuthContext } from "../http/auth.ts";
import { HTTPBadRequest } from "../lib/attributes.ts";
import { NotFound } from "../lib/errors.ts";
import type { QueryParams } from "../lib/list-query.ts";
import { reader, requireAuth, type NetworkDeps } from "./deps.ts";
import { effectiveStatuses } from "./topology/effective.ts";
import { selectTopology } from "./topology/store.ts";
import type { NetworkTables } from "./tables.ts";

/**
 * Availability zones [availability_zone, network_availability_zone]: "nova" as in a default
 * OpenStack, plus the zones of the SDN topology (topology/zones.ts), for networks and routers alike.
 */
export const AVAILABILITY_ZONES = ["nova"] as const;
const ZONED_RESOURCES = ["network", "router"] as const;

export interface AvailabilityZone {
  name: string;
  resource: string;
  state: "available" | "unavailable";
}

export class AvailabilityZoneNotFound extends NotFound {
  constructor(name: string) {
    super(`AvailabilityZone ${name} could not be found.`);
  }
}

const FILTERS = ["name", "resource", "state"] as const;

/**
 * "nova" plus the SDN topology's zones. A zone is available while any of its hosts is up (by
 * effective status), or while it has none yet: nothing has failed in it.
 */
export async function listAvailabilityZones(
  deps: NetworkDeps,
  auth: AuthContext | null,
  params: QueryParams,
): Promise<AvailabilityZone[]> {
  requireAuth(auth);
  const invalid = Object.keys(params).filter(
    (key) => !(FILTERS as readonly string[]).includes(key) && key !== "fields",
  );
  if (invalid.length > 0)
    throw new HTTPBadRequest(
      `[${invalid.map((n) => `'${n}'`).join(", ")}] is invalid attribute for filtering`,
    );
  const wanted = (name: (typeof FILTERS)[number], value: string) => {
    const given = params[name];
    return given === undefined || (Array.isArray(given) ? given.includes(value) : given === value);
  };
  const zones = [...AVAILABILITY_ZONES.map((name) => ({ name, up: true })), ...(await topologyZones(deps))];
  return zones
    .flatMap(({ name, up }) =>
      ZONED_RESOURCES.map((resource) => ({
        name,
        resource,
        state: up ? ("available" as const) : ("unavailable" as const),
      })),
    )
    .filter(
      (zone) => wanted("name", zone.name) && wanted("resource", zone.resource) && wanted("state", zone.state),
    );
}

async function topologyZones(deps: NetworkDeps): Promise<Array<{ name: string; up: boolean }>> {
  const { zones, hosts, devices, links } = await selectTopology(reader(deps));
  const statuses = effectiveStatuses(hosts, devices, links);
  return zones.map((zone) => {
    const mine = hosts.filter((host) => host.zone_id === zone.id);
    return {
      name: zone.name,
      up: mine.length === 0 || mine.some((host) => statuses.get(host.id)?.status !== "down"),
    };
  });
}

/** availability_zone_hints (and a VPC's zones) must name zones that exist: "nova" or a topology zone. */
export async function checkZoneHints(db: Kysely<NetworkTables>, hints: readonly string[]): Promise<void> {
  const unknown = hints.filter((hint) => !(AVAILABILITY_ZONES as readonly string[]).includes(hint));
  if (unknown.length === 0) return;
  const known = await db.selectFrom("sdn_zones").select("name").where("name", "in", unknown).execute();
  const missing = unknown.find((hint) => !known.some((zone) => zone.name === hint));
  if (missing !== undefined) throw new AvailabilityZoneNotFound(missing);
}

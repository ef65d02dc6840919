import type { AuthContext } from "../http/auth.ts";
import { HTTPBadRequest } from "../lib/attributes.ts";
import { NotFound } from "../lib/errors.ts";
import type { QueryParams } from "../lib/list-query.ts";
import { requireAuth } from "./deps.ts";

/**
 * Availability zones [availability_zone, network_availability_zone]. One machine is one zone
 * today, "nova" as in a default OpenStack, for networks and routers alike.
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

export function listAvailabilityZones(auth: AuthContext | null, params: QueryParams): AvailabilityZone[] {
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
  return AVAILABILITY_ZONES.flatMap((name) =>
    ZONED_RESOURCES.map((resource) => ({ name, resource, state: "available" as const })),
  ).filter(
    (zone) => wanted("name", zone.name) && wanted("resource", zone.resource) && wanted("state", zone.state),
  );
}

/** availability_zone_hints must name zones that exist. */
export function checkZoneHints(hints: readonly string[]): void {
  const unknown = hints.find((hint) => !(AVAILABILITY_ZONES as readonly string[]).includes(hint));
  if (unknown !== undefined) throw new AvailabilityZoneNotFound(unknown);
}

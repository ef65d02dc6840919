import type { Chassis } from "../model.ts";
import type { ChassisInput } from "./input.ts";
import type { Context } from "./context.ts";

/** The topology's hosts and gateways as rows: what the tracer and statuses check ports against. */
export function compileChassis(ctx: Context): void {
  for (const host of ctx.topology?.hosts ?? []) add(ctx, host, "host");
  for (const gateway of ctx.topology?.gateways ?? []) add(ctx, gateway, "gateway");
}

export const hostChassis = (hostname: string) => `host-${hostname}`;

function add(ctx: Context, input: ChassisInput, kind: Chassis["kind"]): void {
  const name = `${kind}-${input.name}`;
  ctx.model.chassis[name] = {
    name,
    owner: { type: kind === "host" ? "sdn_host" : "sdn_device", id: input.name, revision: 0 },
    hostname: input.name,
    kind,
    zone: input.zone,
    up: input.up,
    reason: input.up ? null : input.reason,
  };
}

/**
 * The gateway chassis that can carry a router's gateway port: null without physical gateways
 * (the virtual data plane needs none), else those up, by name; [] means the gateway is cut off.
 */
export function gatewayChassis(ctx: Context): string[] | null {
  const gateways = ctx.topology?.gateways ?? [];
  if (gateways.length === 0) return null;
  return gateways
    .filter((gateway) => gateway.up)
    .map((gateway) => `gateway-${gateway.name}`)
    .sort();
}

/** Why no gateway can carry the router: for its problem (status ERROR). */
export function gatewaysDown(ctx: Context): string {
  const gateways = ctx.topology?.gateways ?? [];
  const each = gateways.map((g) => (g.reason === null ? g.name : `${g.name} (${g.reason})`));
  return `no gateway chassis is up to carry its external gateway: ${each.join(", ")} down`;
}

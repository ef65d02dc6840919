import { randomInt } from "node:crypto";
import type { SegmentConfig } from "../config.ts";
import { InvalidInput } from "../lib/attributes.ts";
import type { NetworkTx } from "./deps.ts";
import { FlatNetworkInUse, NoNetworkAvailable, TunnelIdInUse, VlanIdInUse } from "./errors.ts";
import { claimSegment, selectClaimedSegments } from "./store.ts";

export interface SegmentRequest {
  network_type?: string | undefined;
  physical_network?: string | undefined;
  segmentation_id?: number | undefined;
}

export interface Segment {
  network_type: string;
  physical_network: string | null;
  segmentation_id: number | null;
  /** The largest MTU the segment carries (overlay headers taken off). */
  mtu: number;
}

const MTU = { vxlan: 1450, geneve: 1442, vlan: 1500, flat: 1500, local: 1500 } as const;
const RANDOM_TRIES = 8;

/**
 * Neutron's check of a requested network mtu (create and update): no bigger than what the segment
 * carries, i.e. the physical 1500 less the overlay's headers.
 */
export function checkMtu(mtu: number, networkType: string): void {
  const max = (MTU as Record<string, number>)[networkType] ?? MTU.flat;
  if (mtu > max) throw new InvalidInput(`Requested MTU is too big, maximum is ${max}`);
}

/**
 * Validates the provider attributes and claims the segment in the caller's transaction. The
 * allocation table's primary key makes two concurrent claims of one id impossible: a lost race
 * just tries another id.
 */
export async function allocateSegment(
  tx: NetworkTx,
  config: SegmentConfig,
  networkId: string,
  request: SegmentRequest,
): Promise<Segment> {
  const type = request.network_type ?? config.tenantNetworkType;
  if (type === "local")
    return { network_type: "local", physical_network: null, segmentation_id: null, mtu: MTU.local };
  if (type === "flat") {
    const physnet = requirePhysnet(request, config.flat, "flat");
    if (
      !(await claimSegment(tx.db, {
        network_type: "flat",
        physical_network: physnet,
        segmentation_id: 0,
        network_id: networkId,
      }))
    ) {
      throw new FlatNetworkInUse(physnet);
    }
    return { network_type: "flat", physical_network: physnet, segmentation_id: null, mtu: MTU.flat };
  }
  if (type !== "vlan" && type !== "vxlan" && type !== "geneve") {
    throw new InvalidInput(`network_type value '${type}' not supported`);
  }
  const physnet = type === "vlan" ? requirePhysnet(request, Object.keys(config.vlan), "VLAN") : "";
  if (type !== "vlan" && request.physical_network !== undefined) {
    throw new InvalidInput(`provider:physical_network specified for ${type} network`);
  }
  const pool = type === "vlan" ? config.vlan[physnet] : config[type];
  const max = type === "vlan" ? 4094 : 16_777_215;
  const claim = (id: number) =>
    claimSegment(tx.db, {
      network_type: type,
      physical_network: physnet,
      segmentation_id: id,
      network_id: networkId,
    });
  const segment = (id: number): Segment => ({
    network_type: type,
    physical_network: physnet === "" ? null : physnet,
    segmentation_id: id,
    mtu: MTU[type],
  });

  if (request.segmentation_id !== undefined) {
    const id = request.segmentation_id;
    if (id < 1 || id > max) throw new InvalidInput(`segmentation_id out of range (1 through ${max})`);
    if (!(await claim(id))) throw type === "vlan" ? new VlanIdInUse(id, physnet) : new TunnelIdInUse(id);
    return segment(id);
  }
  if (pool === undefined) throw new NoNetworkAvailable();
  const [low, high] = pool;
  // Random picks spread concurrent creators apart; a scan of the free ids settles a crowded pool.
  for (let i = 0; i < RANDOM_TRIES; i++) {
    const id = randomInt(low, high + 1);
    if (await claim(id)) return segment(id);
  }
  const taken = new Set(await selectClaimedSegments(tx.db, type, physnet));
  for (let id = low; id <= high; id++) {
    if (!taken.has(id) && (await claim(id))) return segment(id);
  }
  throw new NoNetworkAvailable();
}

/** `kind` is how Neutron's type driver names itself in its messages ("VLAN", "flat"). */
function requirePhysnet(request: SegmentRequest, known: readonly string[], kind: "VLAN" | "flat"): string {
  const physnet = request.physical_network;
  if (physnet === undefined) {
    if (kind === "flat") throw new InvalidInput("physical_network required for flat provider network");
    if (request.segmentation_id !== undefined)
      throw new InvalidInput("segmentation_id requires physical_network for VLAN provider network");
    if (known.length === 1 && known[0] !== undefined) return known[0];
    throw new InvalidInput("physical_network required for this network type");
  }
  if (!known.includes(physnet))
    throw new InvalidInput(`physical_network '${physnet}' unknown for ${kind} provider network`);
  return physnet;
}

import { formatIp, parseIp, type Address, type IpVersion } from "../../lib/ip.ts";
import type { LogicalSwitchPort, Model } from "../model.ts";
import { TraceInputError } from "./errors.ts";
import { addressOf, FLOATING_IP, type Index } from "./index-model.ts";
import { ipKey, requestPacket, type Packet } from "./packet.ts";
import type { TraceRequest } from "./types.ts";
import type { Endpoint } from "./walk.ts";

export interface Resolved {
  start: Endpoint;
  packet: Packet;
  /** The destination port, when the request named one: the packet must reach that very port. */
  target: LogicalSwitchPort | undefined;
}

/** Step 1: the request's start and its first packet; a request naming what is not there throws. */
export function resolve(model: Model, index: Index, request: TraceRequest): Resolved {
  checkShape(request);
  checkNumbers(request);
  const { source } = request;
  if ("port_id" in source) {
    const given = portOf(model, source.port_id);
    if (given === undefined)
      throw new TraceInputError(
        "source_not_found",
        `source port ${source.port_id} is not in the data plane (unknown, or not realised yet); give an existing port_id`,
      );
    const port = associatedPort(model, index, given);
    const dst = destinationOf(model, request, versionsOf(port));
    const src = ipsOf(port).find((ip) => ip.version === dst.version);
    if (src === undefined)
      throw new TraceInputError(
        "bad_request",
        `source port ${port.name} has no IPv${dst.version} address to reach ${formatIp(dst)}; pick a destination of a family it has`,
      );
    return {
      start: senderOf(index, port),
      packet: requestPacket(request, src, dst),
      target: targetOf(model, request),
    };
  }
  const sw = index.switches.get(`ls-${source.network_id}`);
  if (sw === undefined)
    throw new TraceInputError(
      "source_not_found",
      `source network ${source.network_id} is not in the data plane; give an existing external network_id`,
    );
  if (!sw.row.external)
    throw new TraceInputError(
      "bad_request",
      `network ${source.network_id} is not external: an outside address arrives on an external network`,
    );
  const src = parseIp(source.ip_address);
  if (src === undefined)
    throw new TraceInputError(
      "bad_request",
      `source ip_address '${source.ip_address}' is not a valid IP address`,
    );
  const dst = destinationOf(model, request, new Set([src.version]));
  if (dst.version !== src.version)
    throw new TraceInputError(
      "bad_request",
      `source ${source.ip_address} and destination ${formatIp(dst)} are of different IP versions`,
    );
  return {
    start: { kind: "outside", sw },
    packet: requestPacket(request, src, dst),
    target: targetOf(model, request),
  };
}

/** A port's first IP, of a family the source has when it can (a dual-stack port answers both). */
function destinationOf(model: Model, request: TraceRequest, families: Set<IpVersion>): Address {
  const { destination } = request;
  if ("port_id" in destination) {
    const port = portOf(model, destination.port_id);
    if (port === undefined)
      throw new TraceInputError(
        "destination_not_found",
        `destination port ${destination.port_id} is not in the data plane (unknown, or not realised yet); give an existing port_id`,
      );
    const ips = ipsOf(port);
    const ip = ips.find((candidate) => families.has(candidate.version)) ?? ips[0];
    if (ip === undefined)
      throw new TraceInputError(
        "bad_request",
        `destination port ${port.name} has no IP address; trace to an address instead`,
      );
    return ip;
  }
  const ip = parseIp(destination.ip_address);
  if (ip === undefined)
    throw new TraceInputError(
      "bad_request",
      `destination ip_address '${destination.ip_address}' is not a valid IP address`,
    );
  return ip;
}

/** A VIF sends itself; a router's leg stands for its router; a localnet port sends nothing. */
function senderOf(index: Index, port: LogicalSwitchPort): Endpoint {
  if (port.type === "") return { kind: "port", port };
  const lrp = port.type === "router" ? index.routerPorts.get(port.router_port ?? "") : undefined;
  const router = lrp === undefined ? undefined : index.routers.get(lrp.row.router);
  if (router !== undefined) return { kind: "router", router };
  throw new TraceInputError(
    "bad_request",
    `port ${port.name} (${port.type}) is not a port packets are sent from; trace from a VM's port`,
  );
}

/**
 * A floating IP's port sends nothing itself: it stands for the port the floating IP is associated
 * with (an unassociated one is walked as the plain port it is).
 */
function associatedPort(model: Model, index: Index, port: LogicalSwitchPort): LogicalSwitchPort {
  if (port.device_owner !== FLOATING_IP) return port;
  const ip = ipsOf(port)[0];
  const nats = ip === undefined ? [] : (index.natsByExternal.get(ipKey(ip)) ?? []);
  const logical = nats.find((nat) => nat.type === "dnat_and_snat")?.logical_port ?? null;
  return (logical === null ? undefined : portOf(model, logical)) ?? port;
}

/** A VIF the packet must reach; a floating IP's port stands for its address (NAT leads elsewhere). */
function targetOf(model: Model, request: TraceRequest): LogicalSwitchPort | undefined {
  const { destination } = request;
  const port = "port_id" in destination ? portOf(model, destination.port_id) : undefined;
  return port?.type === "" && port.device_owner !== FLOATING_IP ? port : undefined;
}

// Object.hasOwn: a port id like "constructor" must not find Object.prototype's.
function portOf(model: Model, id: string): LogicalSwitchPort | undefined {
  return Object.hasOwn(model.logical_switch_ports, id) ? model.logical_switch_ports[id] : undefined;
}

function ipsOf(port: LogicalSwitchPort): Address[] {
  const ips: Address[] = [];
  for (const address of port.addresses) {
    for (const text of address.ips) {
      const ip = addressOf(text);
      if (ip !== undefined) ips.push(ip);
    }
  }
  return ips;
}

function versionsOf(port: LogicalSwitchPort): Set<IpVersion> {
  return new Set(ipsOf(port).map((ip) => ip.version));
}

/** Callers may hand over parsed JSON: a request of the wrong shape is a bad request, not a crash. */
function checkShape(request: TraceRequest): void {
  const text = (value: unknown) => typeof value === "string" && value !== "";
  const source = request.source as Partial<Record<string, unknown>> | null;
  const destination = request.destination as Partial<Record<string, unknown>> | null;
  const protocol: unknown = request.protocol;
  if (
    source === null ||
    typeof source !== "object" ||
    !(text(source.port_id) || (text(source.ip_address) && text(source.network_id)))
  )
    throw new TraceInputError(
      "bad_request",
      "source needs a port_id, or an ip_address and the external network_id it arrives on",
    );
  if (
    destination === null ||
    typeof destination !== "object" ||
    !(text(destination.port_id) || text(destination.ip_address))
  )
    throw new TraceInputError("bad_request", "destination needs a port_id or an ip_address");
  if (protocol !== undefined && typeof protocol !== "string")
    throw new TraceInputError("bad_request", "protocol must be text: tcp, udp, icmp, any or 0-255");
}

function checkNumbers(request: TraceRequest): void {
  for (const [key, min, max] of [
    ["source_port", 0, 65535],
    ["destination_port", 0, 65535],
    ["icmp_type", 0, 255],
    ["icmp_code", 0, 255],
  ] as const) {
    const value = request[key];
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max))
      throw new TraceInputError("bad_request", `${key} must be an integer from ${min} to ${max}`);
  }
}

import { sql } from "kysely";
import type { AuthContext } from "../http/auth.ts";
import { HTTPBadRequest, InvalidInput } from "../lib/attributes.ts";
import { cidrContains, parseCidr, parseIp } from "../lib/ip.ts";
import { Conflict } from "../lib/errors.ts";
import type { Counters } from "../sdn/driver.ts";
import type { Owner } from "../sdn/model.ts";
import { TraceInputError } from "../sdn/trace/errors.ts";
import type { TraceRequest, TraceResult, TraceSource } from "../sdn/trace/types.ts";
import { authorize, isAdmin, reader, type NetworkDeps } from "./deps.ts";
import { NetworkNotFound, PolicyNotAuthorized } from "./errors.ts";
import { getFloatingIp } from "./floating-ips.ts";
import { getNetwork } from "./networks.ts";
import { getPort } from "./ports.ts";
import { getRouter } from "./routers.ts";
import { getRule } from "./security-group-rules.ts";
import { getSecurityGroup } from "./security-groups.ts";
import { getRouteTable } from "./vpc/route-tables.ts";
import { getPeering } from "./peering/peerings.ts";
import { getDnatRule } from "./nat/dnat-rules.ts";
import { getNatGateway } from "./nat/gateways.ts";
import { getSnatRule } from "./nat/snat-rules.ts";
import { getVpc } from "./vpc/vpcs.ts";
import { getSubnet } from "./subnets.ts";
import { getBandwidth } from "./bandwidths/bandwidths.ts";

/** What answers a trace: the SDN controller, over the model the data plane really holds. */
export interface Tracer {
  trace(request: TraceRequest): TraceResult;
  counters(): Counters | undefined;
}

const FIELDS = new Set([
  "source_port_id",
  "source_ip_address",
  "source_network_id",
  "destination_port_id",
  "destination_ip_address",
  "protocol",
  "source_port",
  "destination_port",
  "icmp_type",
  "icmp_code",
  "reply",
  "count",
  "bytes",
]);
const PROTOCOLS = new Set(["tcp", "udp", "icmp", "ipv6-icmp", "icmpv6", "sctp", "any"]);
const L4 = new Set(["tcp", "udp", "sctp", "6", "17", "132"]);
const ICMP = new Set(["icmp", "ipv6-icmp", "icmpv6", "1", "58"]);

/**
 * POST /v2.0/traces [packet-trace]: walks a packet through the applied data-plane model. Tenants
 * trace from and to what they can see (other ports are 404), and hops through another project's
 * resources are shown without naming them; admins see everything.
 */
export async function tracePacket(
  deps: NetworkDeps,
  tracer: Tracer,
  auth: AuthContext | null,
  body: unknown,
): Promise<TraceResult> {
  const caller = authorize(auth, "create_trace", { project_id: auth?.project_id ?? "" });
  const input = traceBody(body);
  const protocol = protocolOf(input);
  const request: TraceRequest = {
    source: await source(deps, caller, input),
    destination: await destination(deps, caller, input),
    protocol,
    ...numbers(input, protocol),
    reply: input.reply === undefined ? true : booleanOf(input.reply, "reply"),
    ...traffic(caller, input),
  };
  const result = traceOrExplain(tracer, request);
  return isAdmin(caller) ? result : redact(deps, caller, result);
}

/** The API has checked the endpoints exist; one missing from the model is not realised yet. */
function traceOrExplain(tracer: Tracer, request: TraceRequest): TraceResult {
  try {
    return tracer.trace(request);
  } catch (error) {
    if (!(error instanceof TraceInputError)) throw error;
    if (error.code === "bad_request") throw new InvalidInput(error.message);
    throw new TraceEndpointNotRealised(error.message);
  }
}

export class TraceEndpointNotRealised extends Conflict {
  constructor(reason: string) {
    super(`${reason}: retry once the SDN controller has applied it`);
  }
}

function traceBody(body: unknown): Record<string, unknown> {
  const trace = (body as { trace?: unknown } | null)?.trace;
  if (typeof trace !== "object" || trace === null || Array.isArray(trace))
    throw new HTTPBadRequest("Unable to find 'trace' in request body");
  const unknown = Object.keys(trace).filter((key) => !FIELDS.has(key));
  if (unknown.length > 0) throw new HTTPBadRequest(`Unrecognized attribute(s) '${unknown.join(", ")}'`);
  return trace as Record<string, unknown>;
}

async function source(
  deps: NetworkDeps,
  caller: AuthContext,
  input: Record<string, unknown>,
): Promise<TraceSource> {
  const { source_port_id: portId, source_ip_address: ip } = input;
  if ((portId === undefined) === (ip === undefined))
    throw new InvalidInput("give exactly one of source_port_id and source_ip_address");
  if (portId !== undefined)
    return { port_id: (await getPort(deps, caller, textOf(portId, "source_port_id"))).id };
  const address = addressOf(ip, "source_ip_address");
  const networkId =
    input.source_network_id === undefined
      ? await externalNetworkFor(deps, address)
      : textOf(input.source_network_id, "source_network_id");
  const network = await getNetwork(deps, caller, networkId);
  if (network["router:external"] !== true)
    throw new InvalidInput(`a source address enters on an external network; ${networkId} is not one`);
  return { ip_address: address, network_id: network.id };
}

async function destination(
  deps: NetworkDeps,
  caller: AuthContext,
  input: Record<string, unknown>,
): Promise<TraceRequest["destination"]> {
  const { destination_port_id: portId, destination_ip_address: ip } = input;
  if ((portId === undefined) === (ip === undefined))
    throw new InvalidInput("give exactly one of destination_port_id and destination_ip_address");
  if (portId !== undefined)
    return { port_id: (await getPort(deps, caller, textOf(portId, "destination_port_id"))).id };
  return { ip_address: addressOf(ip, "destination_ip_address") };
}

/** The external network an outside address arrives on: the one whose subnet holds it, or the only one. */
async function externalNetworkFor(deps: NetworkDeps, address: string): Promise<string> {
  const rows = await reader(deps)
    .selectFrom("networks")
    .leftJoin("subnets", "subnets.network_id", "networks.id")
    .select(["networks.id", "subnets.cidr"])
    .where("networks.external", "=", 1)
    .execute();
  const ip = parseIp(address);
  const holding = rows.find((row) => {
    const cidr = row.cidr === null ? undefined : parseCidr(row.cidr);
    return ip !== undefined && cidr !== undefined && cidr.version === ip.version && cidrContains(cidr, ip);
  });
  const networks = [...new Set(rows.map((row) => row.id))];
  const only = networks.length === 1 ? networks[0] : undefined;
  const id = holding?.id ?? only;
  if (id === undefined)
    throw new InvalidInput(`source_network_id is required: no single external network holds ${address}`);
  return id;
}

function protocolOf(input: Record<string, unknown>): string {
  const { protocol } = input;
  if (protocol === undefined || protocol === null) return "icmp";
  if (typeof protocol !== "string" && typeof protocol !== "number")
    throw new InvalidInput("protocol must be a name or a number");
  const text = String(protocol).toLowerCase();
  const number = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!PROTOCOLS.has(text) && !(number >= 0 && number <= 255))
    throw new InvalidInput(`protocol ${text} is not supported; use tcp, udp, icmp, any or 0-255`);
  return text;
}

function numbers(input: Record<string, unknown>, protocol: string): Partial<TraceRequest> {
  const out: Partial<TraceRequest> = {};
  for (const [key, max, allowed] of [
    ["source_port", 65535, L4],
    ["destination_port", 65535, L4],
    ["icmp_type", 255, ICMP],
    ["icmp_code", 255, ICMP],
  ] as const) {
    const value = input[key];
    if (value === undefined || value === null) continue;
    if (!allowed.has(protocol)) throw new InvalidInput(`${key} does not apply to protocol ${protocol}`);
    const number = Number(value);
    const min = key.startsWith("icmp") ? 0 : 1;
    if (!Number.isInteger(number) || number < min || number > max)
      throw new InvalidInput(`${key} must be an integer from ${min} to ${max}`);
    out[key] = number;
  }
  return out;
}

/** count/bytes make the trace real traffic on the counters metering reads: admins only. */
function traffic(caller: AuthContext, input: Record<string, unknown>): Pick<TraceRequest, "traffic"> {
  if (input.count === undefined && input.bytes === undefined) return {};
  if (!isAdmin(caller)) throw new PolicyNotAuthorized("create_trace:count");
  const count = input.count ?? 1;
  const bytes = input.bytes ?? 64;
  if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > 1_000_000_000)
    throw new InvalidInput("count must be an integer from 1 to 1000000000");
  if (!Number.isInteger(bytes) || (bytes as number) < 1 || (bytes as number) > 65_535)
    throw new InvalidInput("bytes (per packet) must be an integer from 1 to 65535");
  return { traffic: { count: count as number, bytes: bytes as number } };
}

function textOf(value: unknown, name: string): string {
  if (typeof value !== "string" || value === "") throw new InvalidInput(`${name} must be a non-empty string`);
  return value;
}

function addressOf(value: unknown, name: string): string {
  const text = textOf(value, name);
  if (parseIp(text) === undefined) throw new InvalidInput(`'${text}' is not a valid IP address`);
  return text;
}

function booleanOf(value: unknown, name: string): boolean {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "false") return value === "true";
  throw new InvalidInput(`'${String(value)}' is not a valid boolean value for ${name}`);
}

/** Hops through resources the caller cannot see keep their decision but lose their names. */
async function redact(deps: NetworkDeps, caller: AuthContext, result: TraceResult): Promise<TraceResult> {
  const seen = new Map<string, boolean>();
  const visible = async (owner: Owner) => {
    const key = `${owner.type}/${owner.id}`;
    if (!seen.has(key)) seen.set(key, await canSee(deps, caller, owner));
    return seen.get(key) === true;
  };
  const hops = [];
  for (const hop of result.hops) {
    hops.push(
      hop.object === null || (await visible(hop.object.owner))
        ? hop
        : { ...hop, object: null, rule_id: null, detail: redacted(hop) },
    );
  }
  const reply = result.reply === undefined ? undefined : await redact(deps, caller, result.reply);
  return { ...result, hops, ...(reply === undefined ? {} : { reply }) };
}

function redacted(hop: TraceResult["hops"][number]): string {
  const physical = hop.object?.owner.type === "sdn_host" || hop.object?.owner.type === "sdn_device";
  return `${hop.decision}: ${physical ? "a fault in the cloud's physical infrastructure" : "another project's resource"}`;
}

async function canSee(deps: NetworkDeps, caller: AuthContext, owner: Owner): Promise<boolean> {
  const lookups: Record<Owner["type"], (id: string) => Promise<unknown>> = {
    network: (id) => getNetwork(deps, caller, id),
    subnet: (id) => getSubnet(deps, caller, id),
    port: (id) => getPort(deps, caller, id),
    router: (id) => getRouter(deps, caller, id),
    floatingip: (id) => getFloatingIp(deps, caller, id),
    security_group: (id) => getSecurityGroup(deps, caller, id),
    security_group_rule: (id) => getRule(deps, caller, id),
    port_forwarding: (id) => portForwardingOf(deps, caller, id),
    vpc: (id) => getVpc(deps, caller, id),
    route_table: (id) => getRouteTable(deps, caller, id),
    vpc_peering: (id) => getPeering(deps, caller, id),
    bandwidth: (id) => getBandwidth(deps, caller, id),
    nat_gateway: (id) => getNatGateway(deps, caller, id),
    snat_rule: (id) => getSnatRule(deps, caller, id),
    dnat_rule: (id) => getDnatRule(deps, caller, id),
    firewall_group: (id) => sharedOrOwn(deps, caller, id),
    // The physical topology is the operator's: tenants learn of a fault, not of the device.
    sdn_host: () => (isAdmin(caller) ? Promise.resolve() : Promise.reject(new Error("admin only"))),
    sdn_device: () => (isAdmin(caller) ? Promise.resolve() : Promise.reject(new Error("admin only"))),
  };
  try {
    await lookups[owner.type](owner.id);
    return true;
  } catch {
    return false;
  }
}

/** A firewall group is its project's, or everyone's when shared. */
async function sharedOrOwn(deps: NetworkDeps, caller: AuthContext, id: string): Promise<void> {
  const { rows } = await sql<{ project_id: string; shared: number | boolean }>`select project_id, shared
    from firewall_groups where id = ${id}`.execute(reader(deps));
  const row = rows[0];
  if (row === undefined || (row.project_id !== caller.project_id && !row.shared))
    throw new NetworkNotFound(id);
}

async function portForwardingOf(deps: NetworkDeps, caller: AuthContext, id: string): Promise<void> {
  const row = await reader(deps)
    .selectFrom("port_forwardings")
    .innerJoin("floating_ips", "floating_ips.id", "port_forwardings.floatingip_id")
    .select("floating_ips.project_id")
    .where("port_forwardings.id", "=", id)
    .executeTakeFirst();
  if (row?.project_id !== caller.project_id) throw new NetworkNotFound(id);
}

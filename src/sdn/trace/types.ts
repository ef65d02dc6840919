import type { Owner, TableName } from "../model.ts";

/** Where a traced packet starts: a switch port, or an outside address arriving on an external network. */
export type TraceSource = { port_id: string } | { ip_address: string; network_id: string };

/** Where it goes: an address (anywhere, including the internet) or a port (its first fixed IP). */
export type TraceDestination = { ip_address: string } | { port_id: string };

export interface TraceRequest {
  source: TraceSource;
  destination: TraceDestination;
  /** tcp | udp | icmp | an IANA number as text | any; default icmp. */
  protocol: string;
  /** Defaults: source port 32768 for tcp/udp; ICMP echo request (type 8, code 0). */
  source_port?: number;
  destination_port?: number;
  icmp_type?: number;
  icmp_code?: number;
  /** Also trace the reply from the destination back to the source (default true). */
  reply?: boolean;
  /** Traffic injection: count this many packets of `bytes` each on the data plane's counters. */
  traffic?: { count: number; bytes: number };
}

export type Verdict = "delivered" | "dropped";

/** One step of the walk: what the packet met and what it decided. */
export interface Hop {
  /** e.g. port_security, egress_acl, switch, router_port, route, nat, ingress_acl, delivery. */
  step: string;
  /** The model row that decided, when one did. */
  object: { table: TableName; name: string; owner: Owner } | null;
  /** The Neutron rule/route/NAT id behind the decision (a security group rule id, ...). */
  rule_id: string | null;
  decision: "pass" | "drop" | "translate" | "deliver";
  /** Human-readable: why. */
  detail: string;
  /** The packet's addresses after this hop (set when a NAT translated them). */
  packet?: PacketHeader;
}

export interface PacketHeader {
  src_ip: string;
  dst_ip: string;
  /** IANA number; null = any. */
  protocol: number | null;
  src_port: number | null;
  dst_port: number | null;
}

export interface TraceResult {
  verdict: Verdict;
  hops: Hop[];
  /** The packet as it arrived (or was last seen). */
  final_packet: PacketHeader;
  /** QoS limits met on the way, in order (directions are the VM's; see model.ts). */
  qos: Array<{
    object: string;
    port: string;
    /** null for a floating IP bandwidth's meter. */
    qos_policy_id: string | null;
    /** The floating IP bandwidth met: its id, PER (dedicated) or WHOLE (shared pool), Mbit/s. */
    bandwidth?: { id: string; share_type: "PER" | "WHOLE"; size_mbit: number };
    direction: "ingress" | "egress";
    max_kbps: number | null;
    max_burst_kbps: number | null;
    dscp_mark: number | null;
  }>;
  /** The reply path, when asked and the request was delivered. */
  reply?: Omit<TraceResult, "reply">;
}

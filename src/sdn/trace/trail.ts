import type { Address } from "../../lib/ip.ts";
import type { Acl, LogicalSwitchPort, Nat, Owner, TableName } from "../model.ts";
import type { Index, RouterIndex, RouterPortIndex, SwitchIndex } from "./index-model.ts";
import { header, type Packet } from "./packet.ts";
import type { Hop, Verdict } from "./types.ts";

/** Where a walk starts, or where a delivered one ended (the reply starts there). */
export type Endpoint =
  | { kind: "port"; port: LogicalSwitchPort }
  | { kind: "router"; router: RouterIndex }
  | { kind: "outside"; sw: SwitchIndex };

/** What a stateful data plane remembers of the request: its translations and the ACLs that let it pass. */
export interface Conntrack {
  nats: Array<{
    router: string;
    lrp: string;
    kind: "snat" | "dnat";
    row: Nat;
    before: Packet;
    after: Packet;
  }>;
  /** Port name -> the ACL that let the request out of it / into it. */
  egress: Map<string, Acl>;
  ingress: Map<string, Acl>;
}

/** Where a QoS limit could apply: a port crossed, in the VM's direction. */
export interface Meter {
  port: string;
  direction: "ingress" | "egress";
}

export interface Walk {
  verdict: Verdict;
  hops: Hop[];
  packet: Packet;
  /** VM ports left and entered, gateway ports crossed, in order (for QoS). */
  meters: Meter[];
  end: Endpoint | undefined;
  conntrack: Conntrack;
}

export type From =
  | { kind: "port"; port: LogicalSwitchPort }
  | { kind: "outside" }
  | { kind: "router"; lrp: RouterPortIndex; nexthop: Address | null };

export type Next =
  | { at: "switch"; sw: SwitchIndex; from: From }
  | { at: "router"; router: RouterIndex; via: RouterPortIndex | null }
  | { at: "port"; port: LogicalSwitchPort; note: string }
  | null;

/** Routers a packet may cross before it is taken for a loop (OVN decrements the TTL per router). */
export const MAX_ROUTERS = 16;

interface Row {
  name: string;
  owner: Owner;
}

export const ref = (table: TableName, row: Row): Hop["object"] => ({
  table,
  name: row.name,
  owner: row.owner,
});

/** The state of one walk: the packet, the hops so far, what the request left in conntrack. */
export class Trail {
  readonly hops: Hop[] = [];
  /** VM ports left and entered, gateway ports crossed, in order (for QoS). */
  readonly meters: Meter[] = [];
  readonly conntrack: Conntrack = { nats: [], egress: new Map(), ingress: new Map() };
  verdict: Verdict = "dropped";
  end: Endpoint | undefined;
  /** Routers entered so far: the TTL. */
  routers = 0;

  constructor(
    readonly index: Index,
    public packet: Packet,
    /** The request's conntrack when this walk is its reply. */
    readonly request: Conntrack | undefined,
    /** The port the packet must reach, when the caller named one. */
    readonly target: LogicalSwitchPort | undefined,
  ) {}

  /** "reply " in the details of a reply walk. */
  get reply(): string {
    return this.request === undefined ? "" : "reply ";
  }

  add(
    step: string,
    decision: Hop["decision"],
    detail: string,
    object: Hop["object"],
    ruleId: string | null = null,
  ) {
    const hop: Hop = { step, object, rule_id: ruleId, decision, detail };
    if (decision === "translate") hop.packet = header(this.packet);
    this.hops.push(hop);
  }

  meter(port: string, direction: Meter["direction"]): void {
    this.meters.push({ port, direction });
  }

  drop(step: string, detail: string, object: Hop["object"], ruleId: string | null = null): Next {
    this.add(step, "drop", detail, object, ruleId);
    return null;
  }

  deliver(step: string, detail: string, object: Hop["object"], end: Endpoint): Next {
    this.add(step, "deliver", detail, object);
    this.verdict = "delivered";
    this.end = end;
    return null;
  }

  result(): Walk {
    const { verdict, hops, packet, meters, end, conntrack } = this;
    return { verdict, hops, packet, meters, end, conntrack };
  }
}

export function sameEnd(
  ip: Address,
  port: number | null,
  otherIp: Address,
  otherPort: number | null,
): boolean {
  return ip.version === otherIp.version && ip.value === otherIp.value && port === otherPort;
}

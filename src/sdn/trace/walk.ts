import { formatIp } from "../../lib/ip.ts";
import type { LogicalSwitchPort } from "../model.ts";
import type { Index } from "./index-model.ts";
import type { Packet } from "./packet.ts";
import { atPort, fromPort } from "./ports.ts";
import { atRouter } from "./router.ts";
import { atSwitch } from "./switch.ts";
import { ref, Trail, type Conntrack, type Endpoint, type Next, type Walk } from "./trail.ts";

export type { Conntrack, Endpoint, Walk } from "./trail.ts";

/** How a walk is asked for: `request` makes it that request's reply; `target` is a port it must reach. */
export interface WalkOptions {
  request?: Conntrack;
  target?: LogicalSwitchPort;
}

/** Walks one packet from its start until it is delivered or dropped. */
export function walk(index: Index, start: Endpoint, packet: Packet, options: WalkOptions = {}): Walk {
  const t = new Trail(index, packet, options.request, options.target);
  let next = begin(t, start);
  while (next !== null) {
    if (next.at === "switch") next = atSwitch(t, next.sw, next.from);
    else if (next.at === "router") next = atRouter(t, next.router, next.via);
    else next = atPort(t, next.port, next.note);
  }
  return t.result();
}

function begin(t: Trail, start: Endpoint): Next {
  const src = formatIp(t.packet.src);
  if (start.kind === "port") return fromPort(t, start.port);
  if (start.kind === "router") {
    const { row } = start.router;
    t.add("source", "pass", `${t.reply}from router ${row.name} (${src})`, ref("logical_routers", row));
    return { at: "router", router: start.router, via: null };
  }
  const sw = start.sw.row;
  const detail = `${t.reply}from ${src} arriving on external network ${sw.network_id} (${sw.name}) from the upstream`;
  t.add("source", "pass", detail, ref("logical_switches", sw));
  return { at: "switch", sw: start.sw, from: { kind: "outside" } };
}

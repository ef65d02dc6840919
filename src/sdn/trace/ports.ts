import { cidrContains, formatIp, parseCidrLoose, type Address } from "../../lib/ip.ts";
import type { Acl, LogicalSwitchPort } from "../model.ts";
import { allows, decidingAcl, describeAcl, type AclDirection } from "./acl.ts";
import { describe } from "./packet.ts";
import { hostChassis } from "../compile/chassis.ts";
import { ref, type Next, type Trail } from "./trail.ts";

// Step 2-3: the sending port's state, anti-spoofing and egress security groups.
export function fromPort(t: Trail, port: LogicalSwitchPort): Next {
  const object = ref("logical_switch_ports", port);
  const src = formatIp(t.packet.src);
  t.meter(port.name, "egress");
  t.add("source", "pass", `${t.reply}from port ${port.name} (${src}) on ${port.switch}`, object);
  if (!port.enabled)
    return t.drop("admin_state", `port ${port.name} is administratively down (admin_state_up false)`, object);
  if (!onLiveHost(t, port)) return null;
  if (port.port_security.length === 0) {
    t.add(
      "port_security",
      "pass",
      `port security is disabled on ${port.name}: no anti-spoofing, no security groups`,
      object,
    );
  } else {
    const own = port.addresses[0]?.mac ?? "";
    const mac = senderMac(t, port, own);
    if (mac === undefined)
      return t.drop(
        "port_security",
        `port ${port.name} may not send from ${own} ${src}: not its address or an allowed address pair (anti-spoofing)`,
        object,
      );
    t.add("port_security", "pass", `${mac} ${src} is allowed by the port security of ${port.name}`, object);
    if (!securityGroups(t, port, "from-lport")) return null;
  }
  const sw = t.index.switches.get(port.switch);
  if (sw === undefined)
    return t.drop("switch", `switch ${port.switch} of port ${port.name} is not in the model`, object);
  return { at: "switch", sw, from: { kind: "port", port } };
}

/**
 * The MAC the port may send the source IP with: its own when an entry with it allows the IP, else
 * an allowed address pair's (a VRRP MAC, say); undefined when no entry allows the IP (a spoof).
 */
function senderMac(t: Trail, port: LogicalSwitchPort, own: string): string | undefined {
  const allowing = port.port_security.filter(
    (entry) => entry.ips.length === 0 || entry.ips.some((text) => containsAddress(text, t.packet.src)),
  );
  const lower = own.toLowerCase();
  return (allowing.find((entry) => entry.mac.toLowerCase() === lower) ?? allowing[0])?.mac;
}

/** A port's security groups in one direction; a reply passes where the request was allowed statefully. */
function securityGroups(t: Trail, port: LogicalSwitchPort, direction: AclDirection): boolean {
  const step = direction === "from-lport" ? "egress_acl" : "ingress_acl";
  const prior = t.request === undefined ? undefined : priorAcl(t, port, direction);
  if (prior?.action === "allow-related") {
    t.add(
      step,
      "pass",
      `reply to an allowed connection (allow-related): ${describeAcl(prior)} let the request through`,
      ref("acls", prior),
      prior.owner.id,
    );
    return true;
  }
  const acl = decidingAcl(t.index, port, direction, t.packet);
  if (acl === undefined) {
    t.add(step, "drop", noRule(t, port, direction, prior), ref("logical_switch_ports", port));
    return false;
  }
  if (!allows(acl)) {
    t.add(step, "drop", `${acl.action}: ${describeAcl(acl)} (${acl.name})`, ref("acls", acl), acl.owner.id);
    return false;
  }
  (direction === "from-lport" ? t.conntrack.egress : t.conntrack.ingress).set(port.name, acl);
  t.add(step, "pass", `allowed: ${describeAcl(acl)} (${acl.name})`, ref("acls", acl), acl.owner.id);
  return true;
}

// The reply leaves the request's destination (its ingress ACL) and enters its source (its egress ACL).
function priorAcl(t: Trail, port: LogicalSwitchPort, direction: AclDirection): Acl | undefined {
  const request = t.request;
  if (request === undefined) return undefined;
  return (direction === "from-lport" ? request.ingress : request.egress).get(port.name);
}

function noRule(t: Trail, port: LogicalSwitchPort, direction: AclDirection, prior: Acl | undefined): string {
  const way = direction === "from-lport" ? "egress" : "ingress";
  const groups = port.port_groups.map((name) => name.replace(/^pg-/, ""));
  const of =
    groups.length === 0
      ? `port ${port.name} is in no security group, so`
      : `security group(s) ${groups.join(", ")} of port ${port.name}:`;
  const stateless =
    prior?.action === "allow-stateless"
      ? `; the request passed a stateless rule (${prior.name}), so its reply needs a rule of its own`
      : "";
  return `${of} no security group rule allows ${way} ${t.reply}${describe(t.packet)}${stateless}`;
}

// Step 6: the receiving port's state and ingress security groups.
export function atPort(t: Trail, port: LogicalSwitchPort, note: string): Next {
  const object = ref("logical_switch_ports", port);
  if (t.target !== undefined && port.name !== t.target.name) return elsewhere(t, port, t.target);
  t.meter(port.name, "ingress");
  if (!port.enabled)
    return t.drop("admin_state", `port ${port.name} is administratively down (admin_state_up false)`, object);
  if (!onLiveHost(t, port)) return null;
  if (port.port_security.length === 0)
    t.add(
      "ingress_acl",
      "pass",
      `port security is disabled on ${port.name}: no security groups apply`,
      object,
    );
  else if (!securityGroups(t, port, "to-lport")) return null;
  const host = port.host === "" ? "; the port is not bound to a host" : ` on host ${port.host}`;
  return t.deliver(
    "delivery",
    `delivered to port ${port.name} (${formatIp(t.packet.dst)})${note}${host}`,
    object,
    { kind: "port", port },
  );
}

/** The address led to another port than the one asked for (the same address on another network, a next hop). */
function elsewhere(t: Trail, port: LogicalSwitchPort, target: LogicalSwitchPort): Next {
  const dst = formatIp(t.packet.dst);
  const where = target.switch === port.switch ? "" : ` (${target.name} is on ${target.switch})`;
  const detail = `${dst} leads to port ${port.name} on ${port.switch}, not to the requested port ${target.name}${where}`;
  return t.drop("delivery", detail, ref("logical_switch_ports", port));
}

/** A port security entry ("10.0.0.5", or "10.0.0.0/24" from an address pair) holding the address. */
function containsAddress(text: string, address: Address): boolean {
  const cidr = parseCidrLoose(text);
  return cidr !== undefined && cidrContains(cidr, address);
}

/** A port bound to a host the topology has down: the fault is the hop that drops. */
function onLiveHost(t: Trail, port: LogicalSwitchPort): boolean {
  const chassis = port.host === "" ? undefined : t.index.chassis.get(hostChassis(port.host));
  if (chassis === undefined || chassis.up) return true;
  t.drop(
    "chassis",
    `port ${port.name} is on host ${chassis.hostname}, which is down${chassis.reason === null ? "" : ` (${chassis.reason})`}`,
    ref("chassis", chassis),
  );
  return false;
}

import { parseArgs } from "node:util";
import type { Topology, TreeDevice, TreeHost, TreeZone } from "../../network/topology/tree.ts";
import {
  ApiError,
  networkCall as request,
  openSession,
  UsageError,
  type Session,
} from "../openstack-session.ts";

export const TOPOLOGY_USAGE = `Usage: stratus topology [--json]
       stratus topology host down|up <name>
       stratus topology device down|up <name>
Prints the SDN's physical topology (admin): zones, spines, TORs with their hosts and bound ports,
gateways and appliances, with what is DOWN and why; --json prints the API's JSON. "down"/"up" set
a host's or device's state (fault injection). Reads OS_* variables (source data/admin-openrc.sh).
Exits 0, 1 on an API error, 2 on a usage error.
`;

type Command =
  { kind: "show"; json: boolean } | { kind: "set"; target: "host" | "device"; state: string; name: string };

/** `stratus topology ...`. Returns the exit code. */
export async function topology(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    process.stderr.write(`stratus topology: ${(error as Error).message}\n\n${TOPOLOGY_USAGE}`);
    return 2;
  }
  try {
    const session = await openSession();
    if (command.kind === "show") {
      const answer = await request<{ topology: Topology }>(session, "GET", "/v2.0/sdn/topology");
      process.stdout.write(command.json ? `${JSON.stringify(answer, null, 2)}\n` : render(answer.topology));
    } else {
      process.stdout.write(await setState(session, command.target, command.name, command.state));
    }
    return 0;
  } catch (error) {
    process.stderr.write(`stratus topology: ${(error as Error).message}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { json: { type: "boolean" } },
    allowPositionals: true,
  });
  if (positionals.length === 0) return { kind: "show", json: values.json === true };
  const [target, state, name, ...extra] = positionals;
  if (target !== "host" && target !== "device") throw new UsageError(`unknown subcommand '${target}'`);
  if (state !== "down" && state !== "up") throw new UsageError(`expected down or up, not '${state ?? ""}'`);
  if (name === undefined || extra.length > 0) throw new UsageError(`name exactly one ${target}`);
  return { kind: "set", target, state, name };
}

/** Finds the host or device by name, then PUTs its state. */
async function setState(
  session: Session,
  target: "host" | "device",
  name: string,
  state: string,
): Promise<string> {
  const collection = `/v2.0/sdn/${target}s`;
  const found = await request<Record<string, Array<{ id: string }>>>(
    session,
    "GET",
    `${collection}?name=${encodeURIComponent(name)}`,
  );
  const id = found[`${target}s`]?.[0]?.id;
  if (id === undefined) throw new ApiError(`no ${target} named ${name}`);
  const answer = await request<Record<string, { status: string; status_reason: string | null }>>(
    session,
    "PUT",
    `${collection}/${id}`,
    { [target]: { state } },
  );
  const node = answer[target];
  return `${target} ${name}: state ${state}, status ${node === undefined ? "?" : mark(node)}\n`;
}

/** "up", or "DOWN (reason)". */
function mark(node: { status: string; status_reason: string | null }): string {
  return node.status === "down" ? `DOWN (${node.status_reason ?? "down"})` : node.status;
}

/** The tree a person reads: zone, spines, TORs with their hosts and ports, gateways, appliances. */
export function render(topology: Topology): string {
  const lines: string[] = [];
  for (const zone of topology.zones) lines.push(...renderZone(zone));
  const { devices, hosts } = topology.unplaced;
  if (devices.length + hosts.length > 0) {
    lines.push("(no zone)");
    for (const device of devices) lines.push(`  ${deviceLine(device)}`);
    for (const host of hosts) lines.push(...hostLines(host, "  "));
  }
  return lines.length === 0 ? "No topology defined.\n" : `${lines.join("\n")}\n`;
}

function renderZone(zone: TreeZone): string[] {
  const ranges = [
    ...zone.vlan_ranges.map((r) => `vlan ${r}`),
    ...zone.vni_ranges.map((r) => `vni ${r}`),
    ...zone.public_ip_pools.map((p) => `pool ${p}`),
  ];
  const lines = [`zone ${zone.name}${ranges.length > 0 ? ` [${ranges.join(", ")}]` : ""}`];
  const hostsByName = new Map(zone.hosts.map((host) => [host.name, host]));
  const placed = new Set<string>();
  for (const spine of zone.spines) lines.push(`  ${deviceLine(spine)}`);
  for (const tor of zone.tors) {
    lines.push(`  ${deviceLine(tor)}`);
    for (const name of tor.hosts) {
      const host = hostsByName.get(name);
      if (host === undefined) continue;
      placed.add(name);
      lines.push(...hostLines(host, "    "));
    }
  }
  for (const host of zone.hosts) if (!placed.has(host.name)) lines.push(...hostLines(host, "  "));
  for (const gateway of zone.gateways) lines.push(`  ${deviceLine(gateway)}`);
  for (const appliance of zone.appliances) lines.push(`  ${deviceLine(appliance)}`);
  return lines;
}

function deviceLine(device: TreeDevice): string {
  const made = [device.vendor, device.model].filter((part) => part !== "").join(" ");
  const uplinks = device.uplinks.length > 0 ? `uplinks ${device.uplinks.join(", ")}` : "";
  const driver = device.driver === "" ? "" : `driver ${device.driver}`;
  const details = [made, driver, uplinks].filter((part) => part !== "");
  return `${device.kind} ${device.name}${details.length > 0 ? ` (${details.join(", ")})` : ""}: ${mark(device)}`;
}

function hostLines(host: TreeHost, indent: string): string[] {
  return [
    `${indent}host ${host.name}: ${mark(host)}`,
    ...host.ports.map(
      (port) =>
        `${indent}  port ${port.name === "" ? port.id : `${port.name} ${port.id}`} ${port.status}${port.device_owner === "" ? "" : ` ${port.device_owner}`}`,
    ),
  ];
}

import { parseArgs } from "node:util";
import type { Hop, TraceResult } from "../../sdn/trace/types.ts";
import { openSession, UsageError } from "../openstack-session.ts";

export const TRACE_USAGE = `Usage: stratus trace --from <port-id|ip> --to <ip|port-id> [options]
  --from-network <id>   the external network an outside --from address arrives on
  --proto <p>           tcp | udp | icmp | any | 0-255 (default icmp)
  --sport <n> --dport <n>            TCP/UDP ports
  --icmp-type <n> --icmp-code <n>    ICMP type and code (default echo request)
  --no-reply            do not trace the reply
  --count <n> --bytes <b>            admin: also count n packets of b bytes on the traffic counters
  --json                print the API's JSON instead of the hop table
Reads OS_* variables (source data/admin-openrc.sh). Exits 0 when delivered, 1 when dropped, 2 on a usage error.
`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `stratus trace`: POST /v2.0/traces and print the walk. Returns the exit code. */
export async function trace(argv: string[]): Promise<number> {
  let body: Record<string, unknown>;
  let json: boolean;
  try {
    ({ body, json } = traceRequest(argv));
  } catch (error) {
    process.stderr.write(`stratus trace: ${(error as Error).message}\n\n${TRACE_USAGE}`);
    return 2;
  }
  try {
    const session = await openSession();
    const response = await fetch(`${session.endpoint("network")}/v2.0/traces`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json",
        "x-auth-token": session.token,
      },
      body: JSON.stringify({ trace: body }),
    });
    const answer = (await response.json()) as { trace?: TraceResult; NeutronError?: { message: string } };
    if (answer.trace === undefined)
      throw new UsageError(answer.NeutronError?.message ?? `HTTP ${response.status}`);
    process.stdout.write(json ? `${JSON.stringify(answer, null, 2)}\n` : render(answer.trace));
    return answer.trace.verdict === "delivered" ? 0 : 1;
  } catch (error) {
    process.stderr.write(`stratus trace: ${(error as Error).message}\n`);
    return 2;
  }
}

function traceRequest(argv: string[]): { body: Record<string, unknown>; json: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      from: { type: "string" },
      to: { type: "string" },
      "from-network": { type: "string" },
      proto: { type: "string" },
      sport: { type: "string" },
      dport: { type: "string" },
      "icmp-type": { type: "string" },
      "icmp-code": { type: "string" },
      count: { type: "string" },
      bytes: { type: "string" },
      "no-reply": { type: "boolean" },
      json: { type: "boolean" },
    },
  });
  if (values.from === undefined || values.to === undefined)
    throw new UsageError("--from and --to are required");
  const body: Record<string, unknown> = {
    ...(UUID.test(values.from) ? { source_port_id: values.from } : { source_ip_address: values.from }),
    ...(UUID.test(values.to) ? { destination_port_id: values.to } : { destination_ip_address: values.to }),
  };
  if (values["from-network"] !== undefined) body.source_network_id = values["from-network"];
  if (values.proto !== undefined) body.protocol = values.proto;
  for (const [flag, field] of [
    ["sport", "source_port"],
    ["dport", "destination_port"],
    ["icmp-type", "icmp_type"],
    ["icmp-code", "icmp_code"],
    ["count", "count"],
    ["bytes", "bytes"],
  ] as const) {
    const value = values[flag];
    if (value === undefined) continue;
    if (!/^\d+$/.test(value)) throw new UsageError(`--${flag} takes a number, not '${value}'`);
    body[field] = Number(value);
  }
  if (values["no-reply"] === true) body.reply = false;
  return { body, json: values.json === true };
}

/** The hop table: what a person reads to see why a packet got through or not. */
export function render(result: TraceResult): string {
  const { src_ip, dst_ip } = result.hops[0]?.packet ?? result.final_packet;
  const lines = [`Trace ${src_ip} -> ${dst_ip}: ${result.verdict.toUpperCase()}`, table(result.hops)];
  if (result.reply !== undefined)
    lines.push(`Reply: ${result.reply.verdict.toUpperCase()}`, table(result.reply.hops));
  const limits = [...result.qos, ...(result.reply?.qos ?? [])];
  for (const limit of limits) lines.push(describeLimit(limit));
  return `${lines.join("\n")}\n`;
}

function describeLimit(limit: TraceResult["qos"][number]): string {
  const rate =
    limit.max_kbps === null ? "" : ` ${limit.max_kbps} kbps (burst ${limit.max_burst_kbps ?? 0} kbit)`;
  const dscp = limit.dscp_mark === null ? "" : ` DSCP ${limit.dscp_mark}`;
  const { bandwidth } = limit;
  const source =
    bandwidth === undefined
      ? `QoS policy ${limit.qos_policy_id ?? "-"}`
      : `${bandwidth.share_type === "WHOLE" ? "Shared bandwidth" : "Bandwidth"} ${bandwidth.id} (${bandwidth.size_mbit} Mbit/s)`;
  return `${source} on ${limit.port}, ${limit.direction}:${rate}${dscp}`;
}

function table(hops: Hop[]): string {
  const rows = hops.map((hop, i) => [
    String(i + 1),
    hop.step,
    hop.decision,
    hop.object === null ? "-" : `${hop.object.owner.type} ${hop.object.owner.id}`,
    hop.rule_id ?? "-",
    hop.detail,
  ]);
  const all = [["#", "step", "decision", "object", "rule", "detail"], ...rows];
  const widths = all[0]!.map((_, column) => Math.max(...all.map((row) => row[column]!.length)));
  return all
    .map((row) =>
      row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join("  "),
    )
    .join("\n");
}

import type { Counters, FloatingIpCounters, PortCounters } from "../../driver.ts";
import type { Model } from "../../model.ts";
import type { TraceResult } from "../../trace/types.ts";

/**
 * The virtual data plane's traffic counters, fed by traced traffic: the sending port counts what
 * it sent (and what was dropped on the way), the receiving port what arrived, a floating IP what
 * its NAT translated in each direction. Replies are not counted: their size is not the request's.
 */
export class TrafficCounters {
  private readonly ports = new Map<string, PortCounters>();
  private readonly floatingIps = new Map<string, FloatingIpCounters>();

  count(model: Model, result: TraceResult, traffic: { count: number; bytes: number }): void {
    const packets = traffic.count;
    const bytes = traffic.count * traffic.bytes;
    const source = result.hops.find((hop) => hop.step === "source")?.object;
    if (source?.owner.type === "port") {
      const sender = this.port(source.owner.id);
      sender.tx_packets += packets;
      sender.tx_bytes += bytes;
      if (result.verdict === "dropped") sender.dropped_packets += packets;
    }
    const delivery = result.hops.at(-1);
    if (
      result.verdict === "delivered" &&
      delivery?.step === "delivery" &&
      delivery.object?.owner.type === "port"
    ) {
      const receiver = this.port(delivery.object.owner.id);
      receiver.rx_packets += packets;
      receiver.rx_bytes += bytes;
    }
    for (const hop of result.hops) {
      const nat =
        hop.step === "nat" && hop.object?.table === "nats" ? model.nats[hop.object.name] : undefined;
      if (nat?.type !== "dnat_and_snat" || hop.packet === undefined) continue;
      const fip = this.floatingIp(nat.owner.id);
      // Outbound, the NAT put the floating IP in as the source; inbound, it took it out as the destination.
      if (hop.packet.src_ip === nat.external_ip) {
        fip.egress_packets += packets;
        fip.egress_bytes += bytes;
      } else {
        fip.ingress_packets += packets;
        fip.ingress_bytes += bytes;
      }
    }
  }

  snapshot(): Counters {
    const copy = <T extends object>(map: Map<string, T>) =>
      new Map([...map].map(([id, c]) => [id, { ...c }]));
    return { ports: copy(this.ports), floating_ips: copy(this.floatingIps) };
  }

  private port(id: string): PortCounters {
    let counters = this.ports.get(id);
    if (counters === undefined) {
      counters = { rx_packets: 0, rx_bytes: 0, tx_packets: 0, tx_bytes: 0, dropped_packets: 0 };
      this.ports.set(id, counters);
    }
    return counters;
  }

  private floatingIp(id: string): FloatingIpCounters {
    let counters = this.floatingIps.get(id);
    if (counters === undefined) {
      counters = { ingress_packets: 0, ingress_bytes: 0, egress_packets: 0, egress_bytes: 0 };
      this.floatingIps.set(id, counters);
    }
    return counters;
  }
}

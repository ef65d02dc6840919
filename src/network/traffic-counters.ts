import type { AuthContext } from "../http/auth.ts";
import { authorize, type NetworkDeps } from "./deps.ts";
import { getFloatingIp } from "./floating-ips.ts";
import { getPort } from "./ports.ts";
import type { Tracer } from "./traces.ts";

/**
 * GET /v2.0/ports/{id}/statistics and /v2.0/floatingips/{id}/statistics [traffic-counters]: what
 * the data plane counted since it started (admin only: the source metering reads). Zeros for a
 * resource that has carried nothing yet.
 */
export async function portStatistics(
  deps: NetworkDeps,
  tracer: Tracer,
  auth: AuthContext | null,
  id: string,
) {
  const caller = authorize(auth, "get_port_statistics", {});
  const port = await getPort(deps, caller, id);
  const counters = tracer.counters()?.ports.get(port.id);
  return {
    port_id: port.id,
    rx_packets: counters?.rx_packets ?? 0,
    rx_bytes: counters?.rx_bytes ?? 0,
    tx_packets: counters?.tx_packets ?? 0,
    tx_bytes: counters?.tx_bytes ?? 0,
    dropped_packets: counters?.dropped_packets ?? 0,
  };
}

export async function floatingIpStatistics(
  deps: NetworkDeps,
  tracer: Tracer,
  auth: AuthContext | null,
  id: string,
) {
  const caller = authorize(auth, "get_floatingip_statistics", {});
  const fip = await getFloatingIp(deps, caller, id);
  const counters = tracer.counters()?.floating_ips.get(fip.id);
  return {
    floatingip_id: fip.id,
    ingress_packets: counters?.ingress_packets ?? 0,
    ingress_bytes: counters?.ingress_bytes ?? 0,
    egress_packets: counters?.egress_packets ?? 0,
    egress_bytes: counters?.egress_bytes ?? 0,
  };
}

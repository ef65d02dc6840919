import { uuid } from "../lib/ids.ts";
import { isoSeconds } from "../lib/time.ts";
import { emit, type NetworkDeps, type NetworkTx } from "./deps.ts";
import { allocateFixedIps, type FixedIp, type FixedIpRequest } from "./ipam.ts";
import { portView } from "./port-view.ts";
import { chooseMac, insertRow } from "./ports.ts";
import * as portStore from "./store-ports.ts";

export interface ServicePortSpec {
  networkId: string;
  /** '' for gateway and floating IP ports: they belong to no project, so no tenant sees them. */
  projectId: string;
  deviceOwner: string;
  deviceId: string;
  fixedIps: FixedIpRequest[] | null;
}

/**
 * Creates the port and its addresses in the caller's transaction. Service ports carry no security
 * groups (Neutron trusts network:* ports) and are announced like any other port.
 */
export async function createServicePort(
  deps: NetworkDeps,
  tx: NetworkTx,
  spec: ServicePortSpec,
): Promise<{ row: portStore.PortRow; fixedIps: FixedIp[] }> {
  const now = isoSeconds(deps.clock.now());
  const id = uuid();
  const mac = await chooseMac(tx, spec.networkId, null);
  const row: portStore.PortRow = {
    id,
    project_id: spec.projectId,
    network_id: spec.networkId,
    name: "",
    description: "",
    admin_state_up: 1,
    status: "DOWN",
    mac_address: mac,
    device_id: spec.deviceId,
    device_owner: spec.deviceOwner,
    port_security_enabled: 0,
    security_groups: "[]",
    allowed_address_pairs: "[]",
    extra_dhcp_opts: "[]",
    binding_host_id: "",
    binding_vnic_type: "normal",
    binding_profile: "{}",
    qos_policy_id: null,
    revision_number: 1,
    created_at: now,
    updated_at: now,
  };
  await insertRow(tx, row);
  const fixedIps = await allocateFixedIps(tx, spec.networkId, id, mac, spec.fixedIps, spec.deviceOwner);
  await emit(deps, tx, "port", "create", portView(row, fixedIps, []));
  return { row, fixedIps };
}

/** Deletes a service port with its addresses and announces it. */
export async function deleteServicePort(deps: NetworkDeps, tx: NetworkTx, portId: string): Promise<void> {
  const row = await portStore.selectPort(tx.db, portId);
  if (row === undefined) return;
  const ips = (await portStore.allocationsOf(tx.db, [portId])).get(portId) ?? [];
  await portStore.deletePortRow(tx.db, portId);
  await emit(deps, tx, "port", "delete", portView(row, ips, []));
}

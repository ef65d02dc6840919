import { hostChassis } from "./compile/chassis.ts";
import type { NetworkState } from "./compile/input.ts";
import type { ChangeOutcome } from "./driver.ts";
import type { Model, Owner } from "./model.ts";

/** The resources with a status the controller owns. */
export type StatusKind = "network" | "port" | "router" | "floatingip";

/** A resource's status as stored, with the revision it was read at. */
export interface StoredStatus {
  status: string;
  revision_number: number;
}

/** Keyed by statusKey(kind, id). */
export type StatusIndex = ReadonlyMap<string, StoredStatus>;

/** A status to write, only if the row is still at `revision_number` (else a newer pass decides). */
export interface StatusUpdate {
  kind: StatusKind;
  id: string;
  status: "ACTIVE" | "DOWN" | "ERROR";
  revision_number: number;
}

export function statusKey(kind: string, id: string): string {
  return `${kind}/${id}`;
}

/** The resources that cannot be realised: the compiler's problems and the rows a driver refused. */
export function erroredOwners(desired: Model, outcomes: readonly ChangeOutcome[]): Set<string> {
  const owners: Owner[] = desired.problems.map((problem) => problem.owner);
  for (const outcome of outcomes)
    if (!outcome.ok && outcome.change.row) owners.push(outcome.change.row.owner);
  return new Set(owners.map((owner) => statusKey(owner.type, owner.id)));
}

/**
 * The statuses that differ from what is stored. `applied` is what the data plane holds after
 * this pass; a resource is realised when its row is there.
 */
export function statusChanges(
  state: NetworkState,
  stored: StatusIndex,
  applied: Model,
  errored: ReadonlySet<string>,
): StatusUpdate[] {
  const wanted: Array<Omit<StatusUpdate, "revision_number">> = [];
  const judge = (kind: StatusKind, id: string, up: boolean) => {
    wanted.push({ kind, id, status: errored.has(statusKey(kind, id)) ? "ERROR" : up ? "ACTIVE" : "DOWN" });
  };
  for (const network of state.networks) {
    const realised = applied.logical_switches[`ls-${network.id}`] !== undefined;
    judge("network", network.id, network.admin_state_up && realised);
  }
  for (const port of state.ports) {
    const realised = applied.logical_switch_ports[port.id] !== undefined;
    const bound = port.binding_host_id !== "" || port.device_owner.startsWith("network:");
    // A port on a host the topology knows to be down is down with it.
    const hostUp = applied.chassis[hostChassis(port.binding_host_id)]?.up !== false;
    judge("port", port.id, port.admin_state_up && realised && bound && hostUp);
  }
  for (const router of state.routers) {
    const realised = applied.logical_routers[`lr-${router.id}`] !== undefined;
    judge("router", router.id, router.admin_state_up && realised);
  }
  for (const fip of state.floating_ips) {
    const realised = applied.nats[`fip-${fip.id}`] !== undefined;
    judge("floatingip", fip.id, fip.port_id !== null && realised);
  }
  return wanted.flatMap((want) => {
    const current = stored.get(statusKey(want.kind, want.id));
    if (current === undefined || current.status === want.status) return [];
    return [{ ...want, revision_number: current.revision_number }];
  });
}

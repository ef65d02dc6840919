import type { Change } from "../../driver.ts";
import type { Model, TableName } from "../../model.ts";

/** The rows a row hangs off: OVN refuses a child whose parent it does not know. */
const PARENTS: Partial<Record<TableName, { field: string; table: TableName; label: string }>> = {
  logical_switch_ports: { field: "switch", table: "logical_switches", label: "logical switch" },
  logical_router_ports: { field: "router", table: "logical_routers", label: "logical router" },
  static_routes: { field: "router", table: "logical_routers", label: "logical router" },
  nats: { field: "router", table: "logical_routers", label: "logical router" },
  acls: { field: "port_group", table: "port_groups", label: "port group" },
  router_policies: { field: "router", table: "logical_routers", label: "logical router" },
};

/** Why the change cannot be applied to `model`, or undefined when it can. */
export function refusal(model: Model, change: Change): string | undefined {
  if (change.op === "delete") return undefined;
  const row = change.row;
  if (row === undefined) return `${change.op} of ${change.table}/${change.name} carries no row`;
  if (row.name !== change.name) return `row name ${row.name} does not match ${change.name}`;
  const parent = PARENTS[change.table];
  if (parent === undefined) return undefined;
  const ref = (row as unknown as Record<string, unknown>)[parent.field];
  const rows: Record<string, unknown> = model[parent.table];
  if (typeof ref !== "string" || rows[ref] === undefined)
    return `${change.table}/${change.name}: unknown ${parent.label} ${String(ref)}`;
  return undefined;
}

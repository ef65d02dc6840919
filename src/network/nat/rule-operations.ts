import type { AuthContext } from "../../http/auth.ts";
import { parseBody, type AttributeMap } from "../../lib/attributes.ts";
import type { ListQuery } from "../../lib/list-query.ts";
import { isoSeconds } from "../../lib/time.ts";
import type { StratusError } from "../../lib/errors.ts";
import {
  authorize,
  emit,
  isAdmin,
  reader,
  requireAuth,
  write,
  type NetworkDeps,
  type NetworkTx,
} from "../deps.ts";
import { changeTagsOf, checkRevision, ownedBy, seenByProject } from "../resource.ts";
import * as networkStore from "../store.ts";
import * as store from "./store.ts";
import { floatingIpAddresses } from "../store-floating-ips.ts";
import { releaseFloatingIp } from "./targets.ts";

/** What SNAT and DNAT rules have in common: a row with a floating IP, its name and state. */
interface RuleRow {
  id: string;
  project_id: string;
  revision_number: number;
  updated_at: string;
  floating_ip_id: string | null;
  name: string;
  description: string;
  admin_state_up: number;
}

export interface RuleKind<Row extends RuleRow, View> {
  table: "snat_rules" | "dnat_rules";
  /** The event and policy name: snat_rule, dnat_rule. */
  resource: "snat_rule" | "dnat_rule";
  attributes: AttributeMap;
  view(row: Row, address: string | null, tags: readonly string[]): View;
  select(db: NetworkTx["db"], id: string): Promise<Row | undefined>;
  notFound(id: string): StratusError;
  /** Inside the delete's transaction, after the row is gone (e.g. the service port it held). */
  afterDelete?(deps: NetworkDeps, tx: NetworkTx, row: Row): Promise<void>;
}

/**
 * Show, list, update (name, description, admin_state_up: the translation itself is fixed, make a
 * new rule), delete and tags of one kind of NAT rule: the same for SNAT and DNAT rules.
 */
export function ruleOperations<Row extends RuleRow, View extends { id: string; project_id: string }>(
  kind: RuleKind<Row, View>,
) {
  const visible = async (db: NetworkTx["db"], caller: AuthContext, id: string) =>
    seenByProject(caller, await kind.select(db, id), () => kind.notFound(id));

  const withRelations = async (db: NetworkTx["db"], rows: readonly Row[]): Promise<View[]> => {
    const tags = await networkStore.selectTags(
      db,
      rows.map((row) => row.id),
    );
    const addresses = await floatingIpAddresses(
      db,
      rows.map((row) => row.floating_ip_id),
    );
    return rows.map((row) =>
      kind.view(row, addresses.get(row.floating_ip_id ?? "") ?? null, tags.get(row.id) ?? []),
    );
  };

  const save = async (deps: NetworkDeps, tx: NetworkTx, row: Row, changes: Partial<Row>): Promise<View> => {
    const saved = await networkStore.saveRevision(
      tx.db,
      kind.table,
      row,
      changes,
      isoSeconds(deps.clock.now()),
    );
    const [view] = await withRelations(tx.db, [saved]);
    await emit(deps, tx, kind.resource, "update", view as View);
    return view as View;
  };

  return {
    get: async (deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<View> => {
      const db = reader(deps);
      const [view] = await withRelations(db, [await visible(db, requireAuth(auth), id)]);
      return view as View;
    },

    list: async (deps: NetworkDeps, auth: AuthContext | null, query: ListQuery): Promise<View[]> => {
      const caller = requireAuth(auth);
      const db = reader(deps);
      const visibility = { all: isAdmin(caller), project_id: caller.project_id };
      return withRelations(db, await store.selectNatPage<Row>(db, kind.table, query, visibility));
    },

    update: async (
      deps: NetworkDeps,
      auth: AuthContext | null,
      id: string,
      input: Record<string, unknown>,
      ifMatch: number | undefined,
    ): Promise<View> => {
      const caller = requireAuth(auth);
      const body = parseBody(kind.attributes, input, "update");
      return write(deps, async (tx) => {
        const row = await visible(tx.db, caller, id);
        authorize(caller, `update_${kind.resource}`, ownedBy(row));
        checkRevision(row.revision_number, ifMatch);
        const changes: Partial<RuleRow> = {
          ...(body.name !== undefined ? { name: body.name as string } : {}),
          ...(body.description !== undefined ? { description: body.description as string } : {}),
          ...(body.admin_state_up !== undefined ? { admin_state_up: body.admin_state_up ? 1 : 0 } : {}),
        };
        return save(deps, tx, row, changes as Partial<Row>);
      });
    },

    /** DELETE (the network templates call it too): the floating IP is released with the rule. */
    remove: async (deps: NetworkDeps, auth: AuthContext | null, id: string): Promise<void> => {
      const caller = requireAuth(auth);
      await write(deps, async (tx) => {
        const row = await visible(tx.db, caller, id);
        authorize(caller, `delete_${kind.resource}`, ownedBy(row));
        await store.deleteNatRow(tx.db, kind.table, id);
        await releaseFloatingIp(deps, tx, row.floating_ip_id);
        await kind.afterDelete?.(deps, tx, row);
        await emit(deps, tx, kind.resource, "delete", kind.view(row, null, []));
      });
    },

    changeTags: (
      deps: NetworkDeps,
      auth: AuthContext | null,
      id: string,
      change: (tags: string[]) => string[],
    ): Promise<string[]> => {
      return changeTagsOf(deps, auth, id, change, {
        load: (tx, caller, ruleId) => visible(tx.db, caller, ruleId),
        action: `update_${kind.resource}`,
        target: ownedBy,
        save: (tx, row) => save(deps, tx, row, {}),
      });
    },
  };
}

import type { AuthContext } from "../http/auth.ts";
import { hexId } from "../lib/ids.ts";
import { authorize, emit, reader, write, type IdentityDeps } from "./deps.ts";
import { DuplicateEntry, IdentityNotFound } from "./errors.ts";
import type { GroupCreate, GroupUpdate } from "./schemas.ts";
import * as store from "./store.ts";
import { groupView, userView } from "./views.ts";
import type { User } from "./users.ts";

export type Group = ReturnType<typeof groupView>;

export async function createGroup(
  deps: IdentityDeps,
  auth: AuthContext | null,
  input: GroupCreate,
): Promise<Group> {
  const caller = authorize(auth, "identity:create_group", { domain_id: input.domain_id });
  const domainId = input.domain_id ?? caller.project_domain_id ?? "default";
  return write(deps, async (tx) => {
    if ((await store.selectDomain(tx.db, domainId)) === undefined)
      throw new IdentityNotFound("domain", domainId);
    if ((await store.selectGroups(tx.db, { domain_id: domainId, name: input.name })).length > 0) {
      throw new DuplicateEntry(
        "group",
        `Duplicate entry found with name ${input.name} at domain ID ${domainId}`,
      );
    }
    const row = { id: hexId(), name: input.name, domain_id: domainId, description: input.description ?? "" };
    await store.insertGroup(tx.db, row);
    await emit(deps, tx, "group.created", row.id);
    return groupView(row);
  });
}

export async function getGroup(deps: IdentityDeps, auth: AuthContext | null, id: string): Promise<Group> {
  authorize(auth, "identity:get_group");
  return groupView(await mustGroup(deps, id));
}

export async function listGroups(
  deps: IdentityDeps,
  auth: AuthContext | null,
  filters: store.NameFilters,
): Promise<Group[]> {
  authorize(auth, "identity:list_groups");
  return (await store.selectGroups(reader(deps), filters)).map(groupView);
}

export async function updateGroup(
  deps: IdentityDeps,
  auth: AuthContext | null,
  id: string,
  input: GroupUpdate,
): Promise<Group> {
  authorize(auth, "identity:update_group");
  return write(deps, async (tx) => {
    const row = await store.selectGroup(tx.db, id);
    if (row === undefined) throw new IdentityNotFound("group", id);
    const changes = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description ?? "" } : {}),
    };
    await store.updateGroupRow(tx.db, id, changes);
    await emit(deps, tx, "group.updated", id);
    return groupView({ ...row, ...changes });
  });
}

export async function deleteGroup(deps: IdentityDeps, auth: AuthContext | null, id: string): Promise<void> {
  authorize(auth, "identity:delete_group");
  await write(deps, async (tx) => {
    if ((await store.selectGroup(tx.db, id)) === undefined) throw new IdentityNotFound("group", id);
    await store.deleteGroupRow(tx.db, id);
    await emit(deps, tx, "group.deleted", id);
  });
}

export async function listGroupUsers(
  deps: IdentityDeps,
  auth: AuthContext | null,
  groupId: string,
): Promise<User[]> {
  authorize(auth, "identity:list_users_in_group");
  await mustGroup(deps, groupId);
  return (await store.selectUsers(reader(deps), { group_id: groupId })).map(userView);
}

export async function listUserGroups(
  deps: IdentityDeps,
  auth: AuthContext | null,
  userId: string,
): Promise<Group[]> {
  authorize(auth, "identity:list_groups_for_user", { user_id: userId });
  if ((await store.selectUser(reader(deps), userId)) === undefined)
    throw new IdentityNotFound("user", userId);
  return (await store.selectGroups(reader(deps), { user_id: userId })).map(groupView);
}

/** PUT, HEAD and DELETE /v3/groups/{group_id}/users/{user_id}. */
export async function changeMembership(
  deps: IdentityDeps,
  auth: AuthContext | null,
  action: "add" | "check" | "remove",
  groupId: string,
  userId: string,
): Promise<void> {
  const policy = { add: "add_user_to_group", check: "check_user_in_group", remove: "remove_user_from_group" }[
    action
  ];
  authorize(auth, `identity:${policy}`);
  await write(deps, async (tx) => {
    if ((await store.selectGroup(tx.db, groupId)) === undefined) throw new IdentityNotFound("group", groupId);
    if ((await store.selectUser(tx.db, userId)) === undefined) throw new IdentityNotFound("user", userId);
    const member = await store.isGroupMember(tx.db, groupId, userId);
    if (action === "add") {
      await store.insertGroupMember(tx.db, groupId, userId);
      await emit(deps, tx, "group.updated", groupId);
    } else if (!member) {
      throw new IdentityNotFound("user", `${userId} in group ${groupId}`);
    } else if (action === "remove") {
      await store.deleteGroupMember(tx.db, groupId, userId);
      await emit(deps, tx, "group.updated", groupId);
    }
  });
}

async function mustGroup(deps: IdentityDeps, id: string): Promise<store.GroupRow> {
  const row = await store.selectGroup(reader(deps), id);
  if (row === undefined) throw new IdentityNotFound("group", id);
  return row;
}

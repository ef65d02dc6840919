import type { AuthContext } from "../http/auth.ts";
import { isUniqueViolation } from "../db/index.ts";
import {
  authorize,
  DEFAULT_IMAGE_QUOTA,
  emit,
  isAdmin,
  permits,
  reader,
  requireAuth,
  write,
  type ImageDeps,
  type ImageTx,
} from "./deps.ts";
import {
  HTTPBadRequest,
  HTTPConflict,
  HTTPForbidden,
  HTTPNotFound,
  ImageMemberLimitExceeded,
} from "./errors.ts";
import { memberView } from "./image-view.ts";
import { ownerTarget, visibleImage, visibleImageForUpdate } from "./image-access.ts";
import { timestamp } from "./images.ts";
import { MEMBER_STATUSES } from "./schemas/member.ts";
import * as store from "./store.ts";
import type { ImageRow, MemberRow, MemberStatus } from "./tables.ts";

/**
 * Image members: the owner offers a shared image to another project (pending); that project,
 * and only it, accepts or rejects. The owner sees every member, a member only itself.
 */
type View = Record<string, unknown>;

function sharedOnly(row: ImageRow): void {
  if (row.visibility !== "shared") throw new HTTPForbidden("Only shared images have members.");
}

function memberNotFound(imageId: string, memberId: string): HTTPNotFound {
  return new HTTPNotFound(`Member ${memberId} not found for image ${imageId}`);
}

/** The owner's readers and admins see every member; a member project only itself. */
function seesAll(auth: AuthContext, row: ImageRow): boolean {
  return permits(auth, "get_members", ownerTarget(row));
}

export async function addMember(
  deps: ImageDeps,
  authIn: AuthContext | null,
  imageId: string,
  body: unknown,
): Promise<View> {
  const auth = requireAuth(authIn);
  const memberId = (body as { member?: unknown } | null)?.member;
  if (typeof memberId !== "string" || memberId === "")
    throw new HTTPBadRequest("Member to be added not specified");
  return write(deps, async (tx) => {
    const row = await visibleImageForUpdate(tx.db, tx.dialect, auth, imageId);
    authorize(auth, "add_member", ownerTarget(row));
    sharedOnly(row);
    await checkMemberQuota(deps, tx, imageId);
    const now = timestamp(deps);
    const member: MemberRow = {
      image_id: imageId,
      member_id: memberId,
      status: "pending",
      created_at: now,
      updated_at: now,
    };
    try {
      await tx.db.insertInto("image_members").values(member).execute();
    } catch (error) {
      if (isUniqueViolation(error))
        throw new HTTPConflict(`Member ${memberId} is duplicated for image ${imageId}`);
      throw error;
    }
    const view = memberView(member);
    await emit(deps, tx, "image.member.create", imageId, row.owner, view);
    return view;
  });
}

export async function listMembers(
  deps: ImageDeps,
  authIn: AuthContext | null,
  imageId: string,
): Promise<View[]> {
  const auth = requireAuth(authIn);
  const db = reader(deps);
  const row = await visibleImage(db, auth, imageId);
  sharedOnly(row);
  const members = await store.selectMembers(db, imageId);
  const mine = seesAll(auth, row) ? members : members.filter((m) => m.member_id === auth.project_id);
  return mine.map(memberView);
}

export async function getMember(
  deps: ImageDeps,
  authIn: AuthContext | null,
  imageId: string,
  memberId: string,
): Promise<View> {
  const auth = requireAuth(authIn);
  const db = reader(deps);
  const row = await visibleImage(db, auth, imageId);
  sharedOnly(row);
  const member = await store.selectMember(db, imageId, memberId);
  if (member === undefined || (!seesAll(auth, row) && memberId !== auth.project_id))
    throw memberNotFound(imageId, memberId);
  return memberView(member);
}

/** The consumer's answer: only the member project (or an admin) sets it. */
export async function updateMember(
  deps: ImageDeps,
  authIn: AuthContext | null,
  imageId: string,
  memberId: string,
  body: unknown,
): Promise<View> {
  const auth = requireAuth(authIn);
  const status = (body as { status?: unknown } | null)?.status;
  if (typeof status !== "string" || !(MEMBER_STATUSES as readonly string[]).includes(status))
    throw new HTTPBadRequest(
      `Provided object does not match schema 'member': '${String(status)}' is not one of ['pending', 'accepted', 'rejected']`,
    );
  return write(deps, async (tx) => {
    const row = await visibleImageForUpdate(tx.db, tx.dialect, auth, imageId);
    sharedOnly(row);
    const member = await store.selectMember(tx.db, imageId, memberId);
    if (member === undefined || (!seesAll(auth, row) && memberId !== auth.project_id))
      throw memberNotFound(imageId, memberId);
    authorize(auth, "modify_member", { project_id: memberId });
    const updated: MemberRow = { ...member, status: status as MemberStatus, updated_at: timestamp(deps) };
    await tx.db
      .updateTable("image_members")
      .set({ status: updated.status, updated_at: updated.updated_at })
      .where("image_id", "=", imageId)
      .where("member_id", "=", memberId)
      .execute();
    const view = memberView(updated);
    await emit(deps, tx, "image.member.update", imageId, row.owner, view);
    return view;
  });
}

export async function deleteMember(
  deps: ImageDeps,
  authIn: AuthContext | null,
  imageId: string,
  memberId: string,
): Promise<void> {
  const auth = requireAuth(authIn);
  await write(deps, async (tx) => {
    const row = await visibleImageForUpdate(tx.db, tx.dialect, auth, imageId);
    sharedOnly(row);
    const member = await store.selectMember(tx.db, imageId, memberId);
    if (member === undefined) throw memberNotFound(imageId, memberId);
    if (!isAdmin(auth)) authorize(auth, "delete_member", ownerTarget(row));
    await tx.db
      .deleteFrom("image_members")
      .where("image_id", "=", imageId)
      .where("member_id", "=", memberId)
      .execute();
    await emit(deps, tx, "image.member.delete", imageId, row.owner, memberView(member));
  });
}

/** image_member_quota: 413 when one more member would pass it. */
async function checkMemberQuota(deps: ImageDeps, tx: ImageTx, imageId: string): Promise<void> {
  const maximum = deps.memberQuota ?? DEFAULT_IMAGE_QUOTA;
  if (maximum < 0) return;
  const attempted = (await store.selectMembers(tx.db, imageId)).length + 1;
  if (attempted > maximum) throw new ImageMemberLimitExceeded(attempted, maximum);
}

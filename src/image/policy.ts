import { admin, anyOf, projectMember, projectReader, type PolicyTable } from "../policy/index.ts";

/**
 * Glance's secure-RBAC defaults, condensed. The target's `project_id` is the image owner (for
 * modify_member, the member project). Whether the caller sees the image at all (public, community,
 * shared with them) is decided before policy by `image-access.ts`: an unseen image is 404. Actions
 * not listed (publicize_image, deactivate, reactivate) are admin-only.
 */
const ownerMember = anyOf(admin, projectMember);

export const imagePolicy: PolicyTable = {
  add_image: ownerMember,
  modify_image: ownerMember,
  delete_image: ownerMember,
  upload_image: ownerMember,
  communitize_image: ownerMember,
  add_member: ownerMember,
  delete_member: ownerMember,
  // The consumer answers an offer: a member (not a reader) of the member project.
  modify_member: anyOf(admin, projectMember),
  get_members: anyOf(admin, projectReader),
};

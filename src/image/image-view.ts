import { isoSeconds } from "../lib/time.ts";
import type { ImageRow, MemberRow } from "./tables.ts";

/** An image as Glance shows it: its properties flattened beside the core attributes. */
export type ImageView = Record<string, unknown>;

/** `stores`: the ids of the stores holding the data (Glance's multi-store), shown once there are any. */
export function imageView(
  row: ImageRow,
  props: Record<string, string>,
  tags: readonly string[],
  stores: readonly string[] = [],
): ImageView {
  return {
    ...props,
    id: row.id,
    name: row.name,
    status: row.status,
    visibility: row.visibility,
    protected: row.protected === 1,
    os_hidden: row.os_hidden === 1,
    checksum: row.checksum,
    os_hash_algo: row.os_hash_algo,
    os_hash_value: row.os_hash_value,
    owner: row.owner,
    size: row.size,
    virtual_size: row.virtual_size,
    min_ram: row.min_ram,
    min_disk: row.min_disk,
    disk_format: row.disk_format,
    container_format: row.container_format,
    created_at: isoSeconds(new Date(row.created_at)),
    updated_at: isoSeconds(new Date(row.updated_at)),
    tags: [...tags],
    ...(stores.length > 0 ? { stores: stores.join(",") } : {}),
    self: `/v2/images/${row.id}`,
    file: `/v2/images/${row.id}/file`,
    schema: "/v2/schemas/image",
  };
}

export function memberView(row: MemberRow): Record<string, unknown> {
  return {
    image_id: row.image_id,
    member_id: row.member_id,
    status: row.status,
    created_at: isoSeconds(new Date(row.created_at)),
    updated_at: isoSeconds(new Date(row.updated_at)),
    schema: "/v2/schemas/member",
  };
}

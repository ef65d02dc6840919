import type { MetadefTables } from "./metadefs/store.ts";

/** The image service's slice of the schema (0014). Booleans are 0/1 integers; times ISO text. */
export interface ImageTables extends MetadefTables {
  images: ImageRow;
  image_properties: { image_id: string; name: string; value: string };
  image_tags: { image_id: string; tag: string };
  image_members: MemberRow;
  image_locations: { id: string; image_id: string; store: string; url: string; created_at: string };
  image_tasks: TaskRow;
}

export interface ImageRow {
  id: string;
  name: string | null;
  owner: string | null;
  status: ImageStatus;
  visibility: Visibility;
  protected: number;
  os_hidden: number;
  checksum: string | null;
  os_hash_algo: string | null;
  os_hash_value: string | null;
  size: number | null;
  virtual_size: number | null;
  min_ram: number;
  min_disk: number;
  disk_format: string | null;
  container_format: string | null;
  created_at: string;
  updated_at: string;
  /** Delayed delete (0024): when it entered pending_delete, and the status a restore returns to. */
  deleted_at?: string | null | undefined;
  restore_status?: ImageStatus | null | undefined;
}

export interface MemberRow {
  image_id: string;
  member_id: string;
  status: MemberStatus;
  created_at: string;
  updated_at: string;
}

export type ImageStatus =
  | "queued"
  | "saving"
  | "uploading"
  | "importing"
  | "active"
  | "killed"
  | "deactivated"
  | "pending_delete"
  | "deleted";
export type Visibility = "public" | "private" | "shared" | "community";
export type MemberStatus = "pending" | "accepted" | "rejected";

/** A task (0018): import, export or clone; input and result are JSON text. */
export interface TaskRow {
  id: string;
  type: string;
  status: TaskStatus;
  owner: string | null;
  user_id: string | null;
  request_id: string | null;
  image_id: string | null;
  input: string;
  result: string | null;
  message: string;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export type TaskStatus = "pending" | "processing" | "success" | "failure";

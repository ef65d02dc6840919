import type { Generated } from "kysely";

/** The event log's slice of the schema: the transactional outbox and its consumers' cursors. */
export interface EventTables {
  events: {
    seq: Generated<number>;
    type: string;
    project_id: string | null;
    resource_id: string | null;
    payload: string;
    created_at: string;
  };
  event_cursors: {
    consumer: string;
    position: number;
    updated_at: string;
  };
}

/** Networking's slice of the schema. Booleans are 0/1 integers; lists JSON text. */
export interface NetworkTables {
  networks: {
    id: string;
    project_id: string;
    name: string;
    description: string;
    admin_state_up: number;
    status: string;
    shared: number;
    external: number;
    mtu: number;
    port_security_enabled: number;
    network_type: string;
    physical_network: string | null;
    segmentation_id: number | null;
    availability_zone_hints: string;
    revision_number: number;
    created_at: string;
    updated_at: string;
  };
  segment_allocations: {
    network_type: string;
    /** '' when the type has none (vxlan, geneve). */
    physical_network: string;
    segmentation_id: number;
    network_id: string;
  };
  network_tags: { resource_id: string; tag: string };
}

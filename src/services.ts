/** Every OpenStack service Stratus serves, at its path prefix (the catalog lists these). */
export interface ServiceEntry {
  name: string;
  type: string;
  /** Path below the server's base URL, as in the catalog. */
  path: string;
  description: string;
}

export const serviceCatalog: readonly ServiceEntry[] = [
  { name: "keystone", type: "identity", path: "/identity", description: "Identity (Keystone v3)" },
  { name: "neutron", type: "network", path: "/networking", description: "Networking (Neutron v2.0)" },
  { name: "glance", type: "image", path: "/image", description: "Image (Glance v2)" },
  { name: "nova", type: "compute", path: "/compute/v2.1", description: "Compute (Nova subset)" },
  { name: "gnocchi", type: "metric", path: "/metric", description: "Metric (Gnocchi v1)" },
  { name: "aodh", type: "alarming", path: "/alarming", description: "Alarming (Aodh v2)" },
  { name: "cloudkitty", type: "rating", path: "/rating", description: "Rating (CloudKitty)" },
  {
    name: "octavia",
    type: "load-balancer",
    path: "/load-balancer",
    description: "Load balancing (Octavia v2)",
  },
];

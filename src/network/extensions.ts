/**
 * The extensions Stratus really implements: clients and Tempest decide what to call from this
 * list, so an alias goes here only with its behaviour and tests.
 */
export interface Extension {
  alias: string;
  name: string;
  description: string;
}

export const extensions: readonly Extension[] = [
  {
    alias: "project-id",
    name: "project_id field enabled",
    description: "Extension that indicates that project_id field is enabled.",
  },
  {
    alias: "standard-attr-description",
    name: "standard-attr-description",
    description: "Extension to add descriptions to standard attributes",
  },
  {
    alias: "standard-attr-timestamp",
    name: "Resource timestamps",
    description:
      "Adds created_at and updated_at fields to all Neutron resources that have Neutron standard attributes.",
  },
  {
    alias: "standard-attr-revisions",
    name: "Resource revision numbers",
    description: "This extension will display the revision number of neutron resources.",
  },
  {
    alias: "standard-attr-tag",
    name: "Tag support for resources with standard attribute: network",
    description: "Enables to set tag on resources with standard attribute.",
  },
  {
    alias: "revision-if-match",
    name: "If-Match constraints based on revision_number",
    description: "Extension indicating that If-Match based on revision_number is supported.",
  },
  {
    alias: "filter-validation",
    name: "Filter parameters validation",
    description: "Provides validation on filter parameters.",
  },
  {
    alias: "pagination",
    name: "Pagination support",
    description: "Extension that indicates that pagination is enabled.",
  },
  {
    alias: "sorting",
    name: "Sorting support",
    description: "Extension that indicates that sorting is enabled.",
  },
  { alias: "net-mtu", name: "Network MTU", description: "Provides MTU attribute for a network resource." },
  {
    alias: "net-mtu-writable",
    name: "Network MTU (writable)",
    description: "Provides a writable MTU attribute for a network resource.",
  },
  {
    alias: "external-net",
    name: "Neutron external network",
    description: "Adds external network attribute to network resource.",
  },
  {
    alias: "provider",
    name: "Provider Network",
    description: "Expose mapping of virtual networks to physical networks",
  },
  {
    alias: "rbac-policies",
    name: "RBAC Policies",
    description: "Allows creation and modification of policies that control tenant access to resources.",
  },
  {
    alias: "subnet_allocation",
    name: "Subnet Allocation",
    description: "Enables allocation of subnets from a subnet pool",
  },
];

export function extensionView(extension: Extension) {
  return { ...extension, updated: "2013-01-01T00:00:00-00:00", links: [] };
}

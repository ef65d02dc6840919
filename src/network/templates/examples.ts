import type { ParameterSpec, ResourceSpec } from "./spec.ts";

/**
 * The templates every cloud ships with: public, owned by no project, read-only. Their ids are
 * fixed so the seed (run at every start) keeps one row each and updates it with the code.
 */
export interface ShippedTemplate {
  id: string;
  name: string;
  description: string;
  parameters: Record<string, ParameterSpec>;
  resources: ResourceSpec[];
}

const cidr = (fallback: string, description: string): ParameterSpec => ({
  type: "cidr",
  default: fallback,
  description,
});
const az: ParameterSpec = {
  type: "string",
  default: "nova",
  description: "Availability zone of the subnets",
};

const threeTierWeb: ShippedTemplate = {
  id: "5f0d3c8e-7b1a-4c2e-9a51-3e7c1b2a0001",
  name: "three-tier-web",
  description:
    "Web, app and db subnets; security groups letting web reach app and app reach db only; " +
    "a route table for the private tiers; an ACL keeping the web subnet out of the db subnet.",
  parameters: {
    web_cidr: cidr("10.0.1.0/24", "CIDR of the web subnet"),
    app_cidr: cidr("10.0.2.0/24", "CIDR of the app subnet"),
    db_cidr: cidr("10.0.3.0/24", "CIDR of the db subnet"),
    az,
    app_port: { type: "integer", default: 8080, description: "TCP port the app tier listens on" },
    db_port: { type: "integer", default: 5432, description: "TCP port the db tier listens on" },
  },
  resources: [
    { type: "subnet", name: "web", cidr: "{{web_cidr}}", availability_zone: "{{az}}" },
    { type: "subnet", name: "app", cidr: "{{app_cidr}}", availability_zone: "{{az}}" },
    { type: "subnet", name: "db", cidr: "{{db_cidr}}", availability_zone: "{{az}}" },
    {
      type: "security_group",
      name: "web-sg",
      description: "HTTP and HTTPS from anywhere",
      rules: [80, 443].map((port) => ({
        direction: "ingress",
        protocol: "tcp",
        port_range_min: port,
        port_range_max: port,
        remote_ip_prefix: "0.0.0.0/0",
      })),
    },
    {
      type: "security_group",
      name: "app-sg",
      description: "The app port from the web tier",
      rules: [
        {
          direction: "ingress",
          protocol: "tcp",
          port_range_min: "{{app_port}}",
          port_range_max: "{{app_port}}",
          remote_group: "web-sg",
        },
      ],
    },
    {
      type: "security_group",
      name: "db-sg",
      description: "The db port from the app tier",
      rules: [
        {
          direction: "ingress",
          protocol: "tcp",
          port_range_min: "{{db_port}}",
          port_range_max: "{{db_port}}",
          remote_group: "app-sg",
        },
      ],
    },
    { type: "route_table", name: "private", description: "The app and db tiers", subnets: ["app", "db"] },
    {
      type: "acl",
      name: "db-acl",
      description: "Nothing from the web subnet gets into the db subnet",
      subnets: ["db"],
      ingress_rules: [
        { action: "deny", source_subnet: "web", description: "web never talks to db" },
        { action: "allow" },
      ],
    },
  ],
};

const dmzPrivate: ShippedTemplate = {
  id: "5f0d3c8e-7b1a-4c2e-9a51-3e7c1b2a0002",
  name: "dmz-private",
  description:
    "A DMZ subnet reachable from the internet through DNAT on a floating IP, a private subnet going " +
    "out by SNAT on it, and an ACL keeping the DMZ from opening SSH sessions into the private " +
    "subnet. The VPC needs a NAT gateway (on its router) first.",
  parameters: {
    dmz_cidr: cidr("10.1.1.0/24", "CIDR of the DMZ subnet"),
    private_cidr: cidr("10.1.2.0/24", "CIDR of the private subnet"),
    az,
    web_port: { type: "integer", default: 80, description: "TCP port of the DMZ service" },
    dmz_server_ip: { type: "string", default: "10.1.1.10", description: "Address of the DMZ server" },
    floating_ip_id: {
      type: "string",
      description: "Floating IP (on the VPC router's external network) for the DNAT and the SNAT",
    },
  },
  resources: [
    { type: "subnet", name: "dmz", cidr: "{{dmz_cidr}}", availability_zone: "{{az}}" },
    { type: "subnet", name: "private", cidr: "{{private_cidr}}", availability_zone: "{{az}}" },
    {
      type: "security_group",
      name: "dmz-sg",
      description: "The DMZ service from anywhere",
      rules: [
        {
          direction: "ingress",
          protocol: "tcp",
          port_range_min: "{{web_port}}",
          port_range_max: "{{web_port}}",
          remote_ip_prefix: "0.0.0.0/0",
        },
      ],
    },
    { type: "snat_rule", name: "private-out", subnet: "private", floating_ip_id: "{{floating_ip_id}}" },
    {
      type: "dnat_rule",
      name: "dmz-in",
      floating_ip_id: "{{floating_ip_id}}",
      protocol: "tcp",
      private_ip: "{{dmz_server_ip}}",
      internal_service_port: "{{web_port}}",
      external_service_port: "{{web_port}}",
    },
    {
      type: "acl",
      name: "private-acl",
      description: "No SSH from the DMZ into the private subnet",
      subnets: ["private"],
      ingress_rules: [
        { action: "deny", protocol: "tcp", destination_port: "22", source_subnet: "dmz" },
        { action: "allow" },
      ],
    },
  ],
};

export const SHIPPED_TEMPLATES: readonly ShippedTemplate[] = [threeTierWeb, dmzPrivate];

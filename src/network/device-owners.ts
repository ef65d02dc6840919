/** device_owner values of the ports Neutron makes on a user's behalf. */
export const DEVICE_OWNER = {
  routerInterface: "network:router_interface",
  routerGateway: "network:router_gateway",
  floatingIp: "network:floatingip",
} as const;

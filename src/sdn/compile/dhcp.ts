import { ownerOf, type Context } from "./context.ts";

/** Seconds: the OVN driver's default (ovn dhcp_default_lease_time), 12 hours. */
const LEASE_TIME = 43200;

/** One options row per subnet with enable_dhcp, taking the MTU of its network. */
export function compileDhcp(ctx: Context): void {
  for (const subnets of ctx.subnetsByNetwork.values()) {
    for (const subnet of subnets) {
      const { input } = subnet;
      const network = ctx.networks.get(input.network_id);
      if (!input.enable_dhcp || network === undefined) continue;
      const name = `dhcp-${input.id}`;
      ctx.model.dhcp_options[name] = {
        name,
        owner: ownerOf("subnet", input),
        subnet_id: input.id,
        cidr: subnet.cidrText,
        options: {
          router: input.gateway_ip,
          dns_server: [...input.dns_nameservers],
          mtu: network.mtu,
          lease_time: LEASE_TIME,
          host_routes: input.host_routes.map((route) => ({
            destination: route.destination,
            nexthop: route.nexthop,
          })),
        },
      };
    }
  }
}

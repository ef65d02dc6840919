import assert from "node:assert/strict";
import { test } from "node:test";
import { trace, TraceInputError } from "../../../src/sdn/trace/index.ts";
import type { TraceRequest } from "../../../src/sdn/trace/types.ts";
import { cloud, decided } from "./fixtures.ts";

function refused(request: TraceRequest, code: TraceInputError["code"], message: RegExp) {
  const { model } = cloud();
  assert.throws(
    () => trace(model, request),
    (error) => error instanceof TraceInputError && error.code === code && message.test(error.message),
  );
}

test("an unknown source or destination port is a TraceInputError naming it", () => {
  refused(
    { source: { port_id: "nope" }, destination: { port_id: "vm2" }, protocol: "icmp" },
    "source_not_found",
    /source port nope/,
  );
  refused(
    { source: { port_id: "constructor" }, destination: { port_id: "vm2" }, protocol: "icmp" },
    "source_not_found",
    /constructor/,
  );
  refused(
    { source: { port_id: "vm1" }, destination: { port_id: "gone" }, protocol: "icmp" },
    "destination_not_found",
    /destination port gone/,
  );
  refused(
    {
      source: { ip_address: "1.2.3.4", network_id: "mars" },
      destination: { port_id: "vm1" },
      protocol: "icmp",
    },
    "source_not_found",
    /network mars/,
  );
});

test("malformed requests are bad_request", () => {
  refused(
    { source: { port_id: "vm1" }, destination: { ip_address: "10.0.0.300" }, protocol: "icmp" },
    "bad_request",
    /not a valid IP/,
  );
  refused(
    { source: { port_id: "vm1" }, destination: { port_id: "vm2" }, protocol: "pigeon" },
    "bad_request",
    /protocol pigeon/,
  );
  refused(
    { source: { port_id: "vm1" }, destination: { ip_address: "2001:db8::1" }, protocol: "icmp" },
    "bad_request",
    /no IPv6 address/,
  );
  refused(
    {
      source: { ip_address: "1.2.3.4", network_id: "net-a" },
      destination: { port_id: "vm1" },
      protocol: "icmp",
    },
    "bad_request",
    /not external/,
  );
  refused(
    { source: { port_id: "vm1" }, destination: { port_id: "vm2" }, protocol: "tcp", destination_port: 70000 },
    "bad_request",
    /destination_port/,
  );
});

test("requests of the wrong shape are bad_request, never a crash", () => {
  const shapes = [
    { source: {}, destination: { port_id: "vm2" } },
    { source: { ip_address: "1.2.3.4" }, destination: { port_id: "vm2" } },
    { source: { port_id: "vm1" }, destination: {} },
    { source: { port_id: "vm1" }, destination: { port_id: "vm2" }, protocol: 6 },
  ];
  for (const shape of shapes) refused(shape as unknown as TraceRequest, "bad_request", /./);
  const { model } = cloud();
  const noProtocol = { source: { port_id: "vm1" }, destination: { port_id: "vm2" } } as TraceRequest;
  assert.equal(trace(model, noProtocol).final_packet.protocol, 1, "icmp by default");
});

test("reply: false skips the reply; protocol any and numbers are understood", () => {
  const { model } = cloud();
  const result = trace(model, {
    source: { port_id: "vm1" },
    destination: { port_id: "vm2" },
    protocol: "icmp",
    reply: false,
  });
  decided(result, "delivered", "delivery", { object: "vm2" });
  assert.equal(result.reply, undefined);
  const any = trace(model, { source: { port_id: "vm1" }, destination: { port_id: "vm2" }, protocol: "any" });
  decided(any, "dropped", "ingress_acl", { detail: /any protocol/ });
  const numbered = trace(model, {
    source: { port_id: "vm1" },
    destination: { port_id: "vm2" },
    protocol: "6",
    destination_port: 22,
  });
  decided(numbered, "delivered", "delivery");
});

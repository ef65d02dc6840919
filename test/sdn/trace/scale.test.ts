import assert from "node:assert/strict";
import { test } from "node:test";
import { trace } from "../../../src/sdn/trace/index.ts";
import { ModelBuilder } from "./builder.ts";

/** 100 routers, each with a network of 100 ports; 100 groups of 10 rules (one by remote group). */
function large() {
  const b = new ModelBuilder();
  b.network("ext", "100.64.0.0/16", { external: true });
  for (let g = 0; g < 100; g++) {
    b.securityGroup(`sg${g}`);
    for (let r = 0; r < 8; r++)
      b.rule(`sg${g}`, `sg${g}-r${r}`, {
        direction: "ingress",
        protocol: 6,
        ports: [1000 + r, 1000 + r],
        remote: `10.${r}.0.0/16`,
      });
    if (g % 3 === 0)
      b.rule(`sg${g}`, `sg${g}-ssh-all`, { direction: "ingress", protocol: 6, ports: [22, 22] });
    b.rule(`sg${g}`, `sg${g}-ssh`, {
      direction: "ingress",
      protocol: 6,
      ports: [22, 22],
      remote: { group: `sg${(g + 1) % 100}` },
    });
  }
  const ports: string[] = [];
  for (let n = 0; n < 100; n++) {
    b.network(`n${n}`, `10.${n}.0.0/24`);
    // Half the routers do not SNAT: the upstream routes their networks back in.
    b.router(`r${n}`, {
      gateway: { network: "ext", ip: `100.64.${n}.1`, upstream: "100.64.255.254" },
      snat: n % 2 === 0,
    });
    b.interface(`r${n}`, `n${n}`, `10.${n}.0.1`);
    for (let p = 0; p < 100; p++) {
      const id = `p${n}-${p}`;
      b.port(id, `n${n}`, `10.${n}.0.${p + 10}`, { groups: [`sg${(n * 100 + p) % 100}`] });
      ports.push(id);
    }
  }
  return { model: b.model, ports };
}

test("at 10,000 ports, 1,000 rules and 100 routers a trace with its reply takes under a millisecond (p50)", (t) => {
  const { model, ports } = large();
  const times: number[] = [];
  const verdicts = { delivered: 0, dropped: 0 };
  for (let i = 0; i < 2100; i++) {
    const from = ports[(i * 7919) % ports.length]!;
    const to = ports[(i * 104_729 + 1) % ports.length]!;
    const start = performance.now();
    const result = trace(model, {
      source: { port_id: from },
      destination: { port_id: to },
      protocol: "tcp",
      destination_port: 22,
    });
    if (i >= 100) {
      times.push(performance.now() - start);
      verdicts[result.verdict]++;
    }
  }
  times.sort((a, b) => a - b);
  const p50 = times[Math.floor(times.length / 2)]!;
  assert.ok(verdicts.delivered > 0 && verdicts.dropped > 0, JSON.stringify(verdicts));
  t.diagnostic(
    `p50 ${p50.toFixed(3)} ms, p95 ${times[Math.floor(times.length * 0.95)]!.toFixed(3)} ms; ${JSON.stringify(verdicts)}`,
  );
  assert.ok(p50 < 1, `p50 ${p50.toFixed(3)} ms`);
});

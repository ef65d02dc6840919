/**
 * Cases where Stratus answers otherwise than the real Neutron (test/parity/neutron.json), with the
 * reason and the exact difference lines neutron.test.ts reports. A listed case must keep differing
 * in exactly these ways: once Stratus matches Neutron the entry has to go, and a new difference
 * fails the case.
 */
export const KNOWN_DIFFERENCES: Record<string, { reason: string; problems: string[] }> = {};

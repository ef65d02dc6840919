/** Keystone's timestamp format: ISO 8601 with microseconds, e.g. 2026-01-01T00:00:00.000000Z. */
export function keystoneTime(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** Seconds-resolution ISO time as Neutron and Glance print it: 2026-01-01T00:00:00Z. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

import type { DriverFactory } from "../driver.ts";
import { VirtualDriver } from "./virtual/index.ts";

/** Every southbound driver, by the name config.sdnDriver gives: the one list to extend. */
export const drivers = {
  virtual: () => new VirtualDriver(),
} satisfies Record<string, DriverFactory>;

export type DriverName = keyof typeof drivers;

export function isDriverName(name: string): name is DriverName {
  return Object.hasOwn(drivers, name);
}

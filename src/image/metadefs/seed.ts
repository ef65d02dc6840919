import { isUniqueViolation } from "../../db/index.ts";
import { now, write, type ImageDeps } from "../deps.ts";
import { insertNamespace } from "./namespaces.ts";

/**
 * The catalog a fresh cloud starts with, written for Stratus: the resource types clients ask
 * about and a few namespaces of hints Nova and Glance understand. Seeded once, on the first start
 * (no resource types yet), so an admin's later deletions stay deleted.
 */
const RESOURCE_TYPES = [
  "OS::Glance::Image",
  "OS::Cinder::Volume",
  "OS::Nova::Flavor",
  "OS::Nova::Server",
  "OS::Nova::Aggregate",
];

// On images a hint is a property named hw_*; on flavors an extra spec named hw:*.
const image = { name: "OS::Glance::Image", prefix: "hw_" };
const flavor = { name: "OS::Nova::Flavor", prefix: "hw:" };

const NAMESPACES = [
  {
    namespace: "OS::Compute::CPUHints",
    display_name: "CPU Pinning Hints",
    description: "How an instance's virtual CPUs are placed on host CPUs.",
    resource_type_associations: [image, flavor],
    properties: {
      cpu_policy: {
        title: "CPU Policy",
        description: "dedicated pins each virtual CPU to its own host CPU; shared lets them float.",
        type: "string",
        enum: ["dedicated", "shared"],
        default: "shared",
      },
      cpu_thread_policy: {
        title: "CPU Thread Policy",
        description: "With dedicated CPUs: prefer, isolate or require sibling hardware threads.",
        type: "string",
        enum: ["prefer", "isolate", "require"],
      },
    },
  },
  {
    namespace: "OS::Compute::MemoryHints",
    display_name: "Memory Page Size",
    description: "The page size backing an instance's memory (huge pages help memory-heavy guests).",
    resource_type_associations: [image, flavor],
    properties: {
      mem_page_size: {
        title: "Memory Page Size",
        description: "small, large, any, or a size such as 2MB or 1GB.",
        type: "string",
        pattern: "^(small|large|any|[0-9]+[KMG]?B?)$",
      },
    },
  },
  {
    namespace: "OS::Compute::Watchdog",
    display_name: "Watchdog Behavior",
    description: "What the hypervisor does when the guest's virtual watchdog fires.",
    resource_type_associations: [image, flavor],
    properties: {
      watchdog_action: {
        title: "Watchdog Action",
        description: "disabled attaches no watchdog device.",
        type: "string",
        enum: ["disabled", "reset", "poweroff", "pause", "none"],
        default: "disabled",
      },
    },
  },
  {
    namespace: "OS::OperatingSystem",
    display_name: "Operating System",
    description: "The guest operating system, which lets the cloud pick drivers and defaults.",
    resource_type_associations: [
      { name: "OS::Glance::Image" },
      { name: "OS::Cinder::Volume", properties_target: "image" },
    ],
    properties: {
      os_type: {
        title: "OS Type",
        description: "The kernel family.",
        type: "string",
        enum: ["linux", "windows"],
      },
      os_distro: {
        title: "OS Distro",
        description: "Lowercase distribution name, e.g. debian, ubuntu, fedora.",
        type: "string",
      },
      os_version: {
        title: "OS Version",
        description: "The distribution's version, e.g. 12 or 24.04.",
        type: "string",
      },
    },
  },
];

export async function seedMetadefs(deps: ImageDeps): Promise<void> {
  try {
    await write(deps, async (tx) => {
      const any = await tx.db.selectFrom("metadef_resource_types").select("name").limit(1).executeTakeFirst();
      if (any !== undefined) return;
      const at = now(deps);
      await tx.db
        .insertInto("metadef_resource_types")
        .values(RESOURCE_TYPES.map((name) => ({ name, protected: 1, created_at: at, updated_at: at })))
        .execute();
      for (const ns of NAMESPACES)
        await insertNamespace(deps, tx, { ...ns, visibility: "public", protected: true }, "admin");
    });
  } catch (error) {
    // Another process seeding at the same moment won: the catalog is there either way.
    if (!isUniqueViolation(error)) throw error;
  }
}

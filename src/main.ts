import { join, resolve } from "node:path";
import { image, IMAGE_USAGE } from "./cli/commands/image.ts";
import { imageCache, IMAGE_CACHE_USAGE } from "./cli/commands/image-cache.ts";
import { serve } from "./cli/commands/serve.ts";
import { topology, TOPOLOGY_USAGE } from "./cli/commands/topology.ts";
import { trace, TRACE_USAGE } from "./cli/commands/trace.ts";
import { vpc, VPC_USAGE } from "./cli/commands/vpc.ts";
import { KeyRepository } from "./identity/keys.ts";

const USAGE = `Usage:
  stratus serve [--host 127.0.0.1] [--port 8080] [--data-dir ./data] [--db URL] [--public-url URL]
  stratus token-keys rotate [--data-dir ./data]   rotate the token encryption keys (restart to apply)
  stratus trace --from <port|ip> --to <ip|port> [--proto tcp --dport 22] [--json]
  stratus topology [--json] | topology host|device down|up <name>   the physical SDN topology (admin)
  stratus vpc show <vpc> [--json]   a VPC as a tree: subnets by zone, route tables, ACLs, floating IPs
  stratus image upload <file> [--name N] [--disk-format F] | image download <id> <file>   with a progress bar
  stratus image-cache list|queue <id>|delete <id>|clear [--target T]|clean|prune   the image cache (admin)
`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === "serve") return serve(rest);
  if (command === "trace") {
    if (rest.includes("--help")) return void process.stdout.write(TRACE_USAGE);
    process.exitCode = await trace(rest);
    return;
  }
  if (command === "topology") {
    if (rest.includes("--help")) return void process.stdout.write(TOPOLOGY_USAGE);
    process.exitCode = await topology(rest);
    return;
  }
  if (command === "vpc") {
    if (rest.includes("--help")) return void process.stdout.write(VPC_USAGE);
    process.exitCode = await vpc(rest);
    return;
  }
  if (command === "image") {
    if (rest.includes("--help")) return void process.stdout.write(IMAGE_USAGE);
    process.exitCode = await image(rest);
    return;
  }
  if (command === "image-cache") {
    if (rest.includes("--help")) return void process.stdout.write(IMAGE_CACHE_USAGE);
    process.exitCode = await imageCache(rest);
    return;
  }
  if (command === "token-keys" && rest[0] === "rotate") {
    const dirFlag = rest.indexOf("--data-dir");
    const dataDir = resolve(
      dirFlag >= 0 ? (rest[dirFlag + 1] ?? "./data") : (process.env.STRATUS_DATA_DIR ?? "./data"),
    );
    new KeyRepository(join(dataDir, "fernet-keys")).rotate();
    process.stdout.write("Token keys rotated. Restart the servers to use the new primary key.\n");
    return;
  }
  process.stdout.write(USAGE);
  if (command !== undefined && command !== "help" && command !== "--help") process.exitCode = 2;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`stratus: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

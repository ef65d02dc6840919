import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { rm, stat } from "node:fs/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { basename, extname } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import { ApiError, openSession, UsageError, type Session } from "../openstack-session.ts";
import { Progress } from "../progress.ts";

export const IMAGE_USAGE = `Usage: stratus image upload <file> [--name N] [--disk-format F] [--container-format C] [--store S]
       stratus image download <image id or name> <file>
Moves image data with a progress bar on stderr (percent, MB/s, ETA; plain lines when stderr is not
a terminal). upload creates the image (name: the file's name; disk format guessed from the
extension, else raw; container format bare), streams the file into it and prints the image id.
download writes the image's data to <file> and checks its MD5. Reads OS_* variables (source
data/admin-openrc.sh). Exits 0, 1 on an API error, 2 on a usage error.
`;

/** `stratus image upload|download ...`. Returns the exit code. */
export async function image(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (error) {
    process.stderr.write(`stratus image: ${(error as Error).message}\n\n${IMAGE_USAGE}`);
    return 2;
  }
  try {
    const session = await openSession();
    if (command.kind === "upload") process.stdout.write(`${await upload(session, command)}\n`);
    else await download(session, command.image, command.file);
    return 0;
  } catch (error) {
    process.stderr.write(`stratus image: ${(error as Error).message}\n`);
    return error instanceof UsageError ? 2 : 1;
  }
}

interface Upload {
  kind: "upload";
  file: string;
  name: string;
  diskFormat: string;
  containerFormat: string;
  store: string | undefined;
}
type Command = Upload | { kind: "download"; image: string; file: string };

const FORMATS: Record<string, string> = {
  ".qcow2": "qcow2",
  ".img": "raw",
  ".raw": "raw",
  ".iso": "iso",
  ".vmdk": "vmdk",
  ".vhd": "vhd",
  ".vhdx": "vhdx",
  ".vdi": "vdi",
};

function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      name: { type: "string" },
      "disk-format": { type: "string" },
      "container-format": { type: "string" },
      store: { type: "string" },
    },
    allowPositionals: true,
  });
  const [verb, first, second, ...extra] = positionals;
  if (verb === "upload") {
    if (first === undefined || second !== undefined) throw new UsageError("name exactly one file to upload");
    return {
      kind: "upload",
      file: first,
      name: values.name ?? basename(first),
      diskFormat: values["disk-format"] ?? FORMATS[extname(first).toLowerCase()] ?? "raw",
      containerFormat: values["container-format"] ?? "bare",
      store: values.store,
    };
  }
  if (verb === "download") {
    if (first === undefined || second === undefined || extra.length > 0)
      throw new UsageError("name an image and the file to write");
    return { kind: "download", image: first, file: second };
  }
  throw new UsageError(`unknown subcommand '${verb ?? ""}'`);
}

/** Creates the image, streams the file into it; returns the image id. */
async function upload(session: Session, command: Upload): Promise<string> {
  const { size } = await stat(command.file).catch(() => {
    throw new UsageError(`cannot read ${command.file}`);
  });
  const created = await imageJson<{ id: string }>(session, "POST", "/v2/images", {
    name: command.name,
    disk_format: command.diskFormat,
    container_format: command.containerFormat,
  });
  const progress = new Progress({ label: "upload", total: size });
  const body = createReadStream(command.file).pipe(progress.meter());
  const response = await imageRequest(session, "PUT", `/v2/images/${created.id}/file`, {
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(size),
      ...(command.store === undefined ? {} : { "x-image-meta-store": command.store }),
    },
    body,
  });
  if (response.statusCode !== 204) {
    const reason = await failure(response);
    throw new ApiError(`upload into image ${created.id} failed (it stays without data): ${reason}`);
  }
  progress.done();
  const shown = await imageJson<{ status: string }>(session, "GET", `/v2/images/${created.id}`);
  process.stderr.write(`image ${created.id} is ${shown.status}\n`);
  return created.id;
}

/** Writes the image's data to `file`, checking it against the server's Content-MD5. */
async function download(session: Session, ref: string, file: string): Promise<void> {
  const id = await resolveImage(session, ref);
  const response = await imageRequest(session, "GET", `/v2/images/${encodeURIComponent(id)}/file`);
  if (response.statusCode === 204) throw new ApiError(`image ${id} has no data`);
  if (response.statusCode !== 200) throw new ApiError(await failure(response));
  const length = Number(response.headers["content-length"]);
  const progress = new Progress({ label: "download", total: Number.isFinite(length) ? length : undefined });
  const md5 = createHash("md5");
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      md5.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(response, progress.meter(), hashing, createWriteStream(file));
  } catch (error) {
    await rm(file, { force: true });
    throw new ApiError(`download of image ${id} failed: ${(error as Error).message}`);
  }
  progress.done();
  const expected = response.headers["content-md5"];
  const got = md5.digest("hex");
  if (typeof expected === "string" && expected !== got) {
    await rm(file, { force: true });
    throw new ApiError(`download of image ${id} is corrupt: MD5 ${got}, expected ${expected}`);
  }
}

/** An image id, or the id of the one image with that name. */
async function resolveImage(session: Session, ref: string): Promise<string> {
  const byId = await imageRequest(session, "GET", `/v2/images/${encodeURIComponent(ref)}`);
  byId.resume();
  if (byId.statusCode === 200) return ref;
  const { images } = await imageJson<{ images: Array<{ id: string }> }>(
    session,
    "GET",
    `/v2/images?name=${encodeURIComponent(ref)}`,
  );
  if (images.length !== 1 || images[0] === undefined)
    throw new ApiError(images.length === 0 ? `no image ${ref}` : `more than one image is named ${ref}`);
  return images[0].id;
}

/** A raw request to the image service (streamed both ways). */
export function imageRequest(
  session: Session,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Readable | string } = {},
): Promise<IncomingMessage> {
  const url = new URL(`${session.endpoint("image")}${path}`);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    // No keep-alive agent: an idle pooled socket would keep the command from exiting.
    const req = send(url, {
      agent: false,
      method,
      headers: { accept: "application/json", "x-auth-token": session.token, ...options.headers },
    });
    req.on("response", resolve);
    req.on("error", reject);
    const { body } = options;
    if (body instanceof Readable) {
      body.on("error", (error) => req.destroy(error));
      body.pipe(req);
    } else req.end(body);
  });
}

/** A JSON call to the image service; Glance's error message becomes an ApiError. */
export async function imageJson<T>(
  session: Session,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await imageRequest(session, method, path, {
    ...(body === undefined
      ? {}
      : { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
  });
  const text = await readText(response);
  const status = response.statusCode ?? 0;
  if (status < 200 || status > 299) throw new ApiError(message(text, status));
  return (text === "" ? {} : JSON.parse(text)) as T;
}

async function readText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function failure(response: IncomingMessage): Promise<string> {
  return message(await readText(response), response.statusCode ?? 0);
}

/** Glance's body is {"code", "title", "message"} (Keystone's {"error": {...}} for a 401). */
function message(text: string, status: number): string {
  try {
    const body = JSON.parse(text) as { message?: string; error?: { message?: string } };
    return body.message ?? body.error?.message ?? `HTTP ${status}`;
  } catch {
    return `HTTP ${status}`;
  }
}

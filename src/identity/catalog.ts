import type { AuthContext } from "../http/auth.ts";
import { hexId } from "../lib/ids.ts";
import { authorize, emit, reader, write, type IdentityDeps } from "./deps.ts";
import { DuplicateEntry, ForbiddenAction, IdentityNotFound, ValidationError } from "./errors.ts";
import type {
  EndpointCreate,
  EndpointUpdate,
  RegionCreate,
  RegionUpdate,
  ServiceCreate,
  ServiceUpdate,
} from "./schemas.ts";
import * as store from "./store-catalog.ts";
import { endpointView, regionView, serviceView } from "./views.ts";

/** Regions, services and endpoints, and the catalog tokens carry. */
export type Region = ReturnType<typeof regionView>;
export type Service = ReturnType<typeof serviceView>;
export type Endpoint = ReturnType<typeof endpointView>;

export async function createRegion(
  deps: IdentityDeps,
  auth: AuthContext | null,
  input: RegionCreate,
): Promise<Region> {
  authorize(auth, "identity:create_region");
  return write(deps, async (tx) => {
    const row = {
      id: input.id ?? hexId(),
      description: input.description ?? "",
      parent_region_id: input.parent_region_id ?? null,
    };
    if (await store.selectRegion(tx.db, row.id))
      throw new DuplicateEntry("region", `Duplicate ID, ${row.id}`);
    if (row.parent_region_id !== null && !(await store.selectRegion(tx.db, row.parent_region_id))) {
      throw new ValidationError(`The specified parent region ${row.parent_region_id} could not be found.`);
    }
    await store.insertRegion(tx.db, row);
    await emit(deps, tx, "region.created", row.id);
    return regionView(row);
  });
}

export async function getRegion(deps: IdentityDeps, auth: AuthContext | null, id: string): Promise<Region> {
  authorize(auth, "identity:get_region");
  const row = await store.selectRegion(reader(deps), id);
  if (row === undefined) throw new IdentityNotFound("region", id);
  return regionView(row);
}

export async function listRegions(
  deps: IdentityDeps,
  auth: AuthContext | null,
  filters: { parent_region_id?: string | undefined },
): Promise<Region[]> {
  authorize(auth, "identity:list_regions");
  return (await store.selectRegions(reader(deps), filters)).map(regionView);
}

export async function updateRegion(
  deps: IdentityDeps,
  auth: AuthContext | null,
  id: string,
  input: RegionUpdate,
): Promise<Region> {
  authorize(auth, "identity:update_region");
  return write(deps, async (tx) => {
    const row = await store.selectRegion(tx.db, id);
    if (row === undefined) throw new IdentityNotFound("region", id);
    const changes = {
      ...(input.description !== undefined ? { description: input.description ?? "" } : {}),
      ...(input.parent_region_id !== undefined ? { parent_region_id: input.parent_region_id } : {}),
    };
    await store.updateRegionRow(tx.db, id, changes);
    await emit(deps, tx, "region.updated", id);
    return regionView({ ...row, ...changes });
  });
}

export async function deleteRegion(deps: IdentityDeps, auth: AuthContext | null, id: string): Promise<void> {
  authorize(auth, "identity:delete_region");
  await write(deps, async (tx) => {
    if (!(await store.selectRegion(tx.db, id))) throw new IdentityNotFound("region", id);
    if (await store.regionInUse(tx.db, id)) {
      throw new ForbiddenAction(
        `Unable to delete region ${id} because it or its child regions have associated endpoints`,
      );
    }
    await store.deleteRegionRow(tx.db, id);
    await emit(deps, tx, "region.deleted", id);
  });
}

export async function createService(
  deps: IdentityDeps,
  auth: AuthContext | null,
  input: ServiceCreate,
): Promise<Service> {
  authorize(auth, "identity:create_service");
  return write(deps, async (tx) => {
    const row = {
      id: hexId(),
      type: input.type,
      name: input.name ?? "",
      description: input.description ?? "",
      enabled: input.enabled === false ? 0 : 1,
    };
    await store.insertService(tx.db, row);
    await emit(deps, tx, "service.created", row.id);
    return serviceView(row);
  });
}

export async function getService(deps: IdentityDeps, auth: AuthContext | null, id: string): Promise<Service> {
  authorize(auth, "identity:get_service");
  const row = await store.selectService(reader(deps), id);
  if (row === undefined) throw new IdentityNotFound("service", id);
  return serviceView(row);
}

export async function listServices(
  deps: IdentityDeps,
  auth: AuthContext | null,
  filters: { type?: string | undefined; name?: string | undefined },
): Promise<Service[]> {
  authorize(auth, "identity:list_services");
  return (await store.selectServices(reader(deps), filters)).map(serviceView);
}

export async function updateService(
  deps: IdentityDeps,
  auth: AuthContext | null,
  id: string,
  input: ServiceUpdate,
): Promise<Service> {
  authorize(auth, "identity:update_service");
  return write(deps, async (tx) => {
    const row = await store.selectService(tx.db, id);
    if (row === undefined) throw new IdentityNotFound("service", id);
    const changes = {
      ...(input.type !== undefined ? { type: input.type } : {}),
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description ?? "" } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0 } : {}),
    };
    await store.updateServiceRow(tx.db, id, changes);
    await emit(deps, tx, "service.updated", id);
    return serviceView({ ...row, ...changes });
  });
}

export async function deleteService(deps: IdentityDeps, auth: AuthContext | null, id: string): Promise<void> {
  authorize(auth, "identity:delete_service");
  await write(deps, async (tx) => {
    if (!(await store.selectService(tx.db, id))) throw new IdentityNotFound("service", id);
    await store.deleteServiceRow(tx.db, id);
    await emit(deps, tx, "service.deleted", id);
  });
}

export async function createEndpoint(
  deps: IdentityDeps,
  auth: AuthContext | null,
  input: EndpointCreate,
): Promise<Endpoint> {
  authorize(auth, "identity:create_endpoint");
  return write(deps, async (tx) => {
    const row = {
      id: hexId(),
      service_id: input.service_id,
      interface: input.interface,
      url: input.url,
      region_id: input.region_id ?? input.region ?? null,
      enabled: input.enabled === false ? 0 : 1,
    };
    if (!(await store.selectService(tx.db, row.service_id)))
      throw new IdentityNotFound("service", row.service_id);
    if (row.region_id !== null && !(await store.selectRegion(tx.db, row.region_id))) {
      throw new ValidationError(`Region ${row.region_id} could not be found.`);
    }
    await store.insertEndpoint(tx.db, row);
    await emit(deps, tx, "endpoint.created", row.id);
    return endpointView(row);
  });
}

export async function getEndpoint(
  deps: IdentityDeps,
  auth: AuthContext | null,
  id: string,
): Promise<Endpoint> {
  authorize(auth, "identity:get_endpoint");
  const row = await store.selectEndpoint(reader(deps), id);
  if (row === undefined) throw new IdentityNotFound("endpoint", id);
  return endpointView(row);
}

export async function listEndpoints(
  deps: IdentityDeps,
  auth: AuthContext | null,
  filters: store.EndpointFilters,
): Promise<Endpoint[]> {
  authorize(auth, "identity:list_endpoints");
  return (await store.selectEndpoints(reader(deps), filters)).map(endpointView);
}

export async function updateEndpoint(
  deps: IdentityDeps,
  auth: AuthContext | null,
  id: string,
  input: EndpointUpdate,
): Promise<Endpoint> {
  authorize(auth, "identity:update_endpoint");
  return write(deps, async (tx) => {
    const row = await store.selectEndpoint(tx.db, id);
    if (row === undefined) throw new IdentityNotFound("endpoint", id);
    const region = input.region_id !== undefined ? input.region_id : input.region;
    const changes = {
      ...(input.service_id !== undefined ? { service_id: input.service_id } : {}),
      ...(input.interface !== undefined ? { interface: input.interface } : {}),
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(region !== undefined ? { region_id: region } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled ? 1 : 0 } : {}),
    };
    await store.updateEndpointRow(tx.db, id, changes);
    await emit(deps, tx, "endpoint.updated", id);
    return endpointView({ ...row, ...changes });
  });
}

export async function deleteEndpoint(
  deps: IdentityDeps,
  auth: AuthContext | null,
  id: string,
): Promise<void> {
  authorize(auth, "identity:delete_endpoint");
  await write(deps, async (tx) => {
    if (!(await store.selectEndpoint(tx.db, id))) throw new IdentityNotFound("endpoint", id);
    await store.deleteEndpointRow(tx.db, id);
    await emit(deps, tx, "endpoint.deleted", id);
  });
}

export interface CatalogEntry {
  id: string;
  type: string;
  name: string;
  endpoints: Array<{
    id: string;
    interface: string;
    region: string | null;
    region_id: string | null;
    url: string;
  }>;
}

/** The service catalog as tokens and GET /v3/auth/catalog carry it: enabled services and endpoints. */
export async function buildCatalog(deps: IdentityDeps): Promise<CatalogEntry[]> {
  const db = reader(deps);
  const endpoints = (await store.selectEndpoints(db, {})).filter((endpoint) => endpoint.enabled === 1);
  return (await store.selectServices(db, {}))
    .filter((service) => service.enabled === 1)
    .map((service) => ({
      id: service.id,
      type: service.type,
      name: service.name,
      endpoints: endpoints
        .filter((endpoint) => endpoint.service_id === service.id)
        .map((endpoint) => ({
          id: endpoint.id,
          interface: endpoint.interface,
          region: endpoint.region_id,
          region_id: endpoint.region_id,
          url: endpoint.url,
        })),
    }));
}

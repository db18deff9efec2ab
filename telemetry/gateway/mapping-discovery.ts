import {
  AttributeIds,
  BrowseDirection,
  type ClientSession,
  DataType,
  type EUInformation,
  NodeClass,
  NodeClassMask,
  type ReferenceDescription,
} from "node-opcua";
import type { ChocolateType, SensorKind, SensorPosition } from "../model";
import type { FountainMapping, SensorMapping } from "./config";
import { unitConversion, unitIdToCommonCode } from "./units";

/** Options of {@link discoverFountainMappings}. */
export interface DiscoveryOptions {
  /** Node to start from (default: the Objects folder, i=85). */
  rootNodeId?: string;
  /** Organisation for fountains whose nameplate names no owner. */
  organisationId: string;
  /** Chocolate for fountains that expose no chocolate/recipe variable. */
  chocolate?: ChocolateType;
  /** Browse depth limit below the root. Default 6. */
  maxDepth?: number;
}

interface Found {
  nodeId: string;
  browseName: string;
  nodeClass: NodeClass;
  parent: string | undefined;
  parentName: string | undefined;
  parentLabel: string | undefined;
}

const BATCH = 500;
const MAX_NODES = 200_000;

/**
 * Browses a server and proposes a gateway mapping: every object holding at least one temperature
 * variable becomes a fountain. Kinds come from EngineeringUnits (then from names such as
 * "Temperature", "TT-101", "Flow", "Power", "Motor"), positions from names (basin, tower/curtain,
 * heater/plate). The result is a starting point to review, not a substitute for reading it.
 */
export async function discoverFountainMappings(
  session: ClientSession,
  options: DiscoveryOptions,
): Promise<{ fountains: FountainMapping[]; warnings: string[] }> {
  const warnings: string[] = [];
  const root = options.rootNodeId ?? "i=85";
  const found: Found[] = [];
  let frontier: { nodeId: string; name: string; label: string }[] = [{ nodeId: root, name: "", label: "" }];
  const seen = new Set<string>([root]);
  for (let depth = 0; depth < (options.maxDepth ?? 6) && frontier.length > 0; depth++) {
    const next: { nodeId: string; name: string; label: string }[] = [];
    for (let offset = 0; offset < frontier.length; offset += BATCH) {
      const slice = frontier.slice(offset, offset + BATCH);
      const results = await session.browse(
        slice.map((node) => ({
          nodeId: node.nodeId,
          referenceTypeId: "HierarchicalReferences",
          includeSubtypes: true,
          browseDirection: BrowseDirection.Forward,
          nodeClassMask: NodeClassMask.Object | NodeClassMask.Variable,
          resultMask: 0x3f,
        })),
      );
      results.forEach((result, i) => {
        for (const reference of result.references ?? []) {
          const nodeId = reference.nodeId.toString();
          // Namespace 0 is the OPC UA standard itself (Server object, types): never a fountain.
          // Properties are metadata (EURange, EngineeringUnits…), except a nameplate's Owner.
          const owner = reference.browseName.name === "Owner";
          if (reference.nodeId.namespace === 0 || seen.has(nodeId) || (isProperty(reference) && !owner)) continue;
          seen.add(nodeId);
          const browseName = reference.browseName.name ?? nodeId;
          found.push({
            nodeId,
            browseName,
            nodeClass: reference.nodeClass,
            parent: slice[i]!.nodeId,
            parentName: slice[i]!.name,
            parentLabel: slice[i]!.label,
          });
          if (reference.nodeClass === NodeClass.Object)
            next.push({ nodeId, name: browseName, label: reference.displayName?.text || browseName });
        }
      });
      if (found.length > MAX_NODES) throw new Error(`more than ${MAX_NODES} nodes below ${root}; pass a narrower root`);
    }
    frontier = next;
  }

  const variables = found.filter((f) => f.nodeClass === NodeClass.Variable);
  const details = await readDetails(session, variables);
  const byParent = new Map<
    string,
    { name: string; label: string; sensors: SensorMapping[]; chocolateNodeId?: string; owner?: string }
  >();
  for (const variable of variables) {
    const parent = variable.parent!;
    const entry = byParent.get(parent) ?? {
      name: variable.parentName ?? parent,
      label: variable.parentLabel ?? parent,
      sensors: [],
    };
    byParent.set(parent, entry);
    const detail = details.get(variable.nodeId);
    if (/^owner$/i.test(variable.browseName) && typeof detail?.value === "string") {
      entry.owner = detail.value;
      continue;
    }
    const kind = kindOf(variable.browseName, detail);
    if (!kind) {
      if (/chocolate|recipe/i.test(variable.browseName) && !detail?.units) entry.chocolateNodeId = variable.nodeId;
      continue;
    }
    entry.sensors.push({
      sensor: sensorId(variable.browseName, entry.sensors),
      kind,
      position: positionOf(variable.browseName, kind, entry.sensors),
      nodeId: variable.nodeId,
    });
    if (!detail?.units && kind !== "motor")
      warnings.push(`${variable.nodeId} (${variable.browseName}) has no EngineeringUnits: set "unit" in the mapping`);
  }
  // Owners live on a nameplate object below the fountain: hand them to the fountain itself.
  for (const [node, entry] of byParent) {
    const fountainNode = entry.owner && found.find((f) => f.nodeId === node)?.parent;
    const fountain = fountainNode ? byParent.get(fountainNode) : undefined;
    if (fountain) fountain.owner ??= entry.owner;
  }

  const mappings: FountainMapping[] = [];
  for (const [, entry] of byParent) {
    if (!entry.sensors.some((s) => s.kind === "temperature")) continue;
    mappings.push({
      fountainId: slug(entry.name),
      organisationId: entry.owner ?? options.organisationId,
      name: entry.label,
      chocolate: options.chocolate ?? "dark",
      ...(entry.chocolateNodeId ? { chocolateNodeId: entry.chocolateNodeId } : {}),
      sensors: entry.sensors,
    });
  }
  return { fountains: mappings.sort((a, b) => a.fountainId.localeCompare(b.fountainId)), warnings };
}

interface Detail {
  value: unknown;
  dataType: DataType | undefined;
  units?: { unitId: number; symbol: string };
}

async function readDetails(session: ClientSession, variables: Found[]): Promise<Map<string, Detail>> {
  const details = new Map<string, Detail>();
  const unitsNodes = new Map<string, string>();
  for (let offset = 0; offset < variables.length; offset += BATCH) {
    const slice = variables.slice(offset, offset + BATCH);
    const [values, properties] = await Promise.all([
      session.read(slice.map((v) => ({ nodeId: v.nodeId, attributeId: AttributeIds.Value }))),
      session.browse(
        slice.map((v) => ({
          nodeId: v.nodeId,
          referenceTypeId: "HasProperty",
          browseDirection: BrowseDirection.Forward,
          includeSubtypes: true,
          resultMask: 0x3f,
        })),
      ),
    ]);
    slice.forEach((v, i) => {
      details.set(v.nodeId, { value: values[i]?.value.value, dataType: values[i]?.value.dataType });
      const units = properties[i]?.references?.find((r) => r.browseName.name === "EngineeringUnits");
      if (units) unitsNodes.set(v.nodeId, units.nodeId.toString());
    });
  }
  const entries = [...unitsNodes];
  for (let offset = 0; offset < entries.length; offset += BATCH) {
    const slice = entries.slice(offset, offset + BATCH);
    const values = await session.read(slice.map(([, nodeId]) => ({ nodeId, attributeId: AttributeIds.Value })));
    slice.forEach(([variable], i) => {
      const eu = values[i]?.value.value as EUInformation | undefined;
      const detail = details.get(variable);
      if (eu && detail) detail.units = { unitId: eu.unitId, symbol: eu.displayName?.text ?? "" };
    });
  }
  return details;
}

function isProperty(reference: ReferenceDescription): boolean {
  return reference.referenceTypeId.toString() === "ns=0;i=46";
}

function kindOf(name: string, detail: Detail | undefined): SensorKind | undefined {
  if (detail?.units) {
    for (const kind of ["temperature", "flow", "heaterPower"] as const) {
      if (unitConversion(kind, detail.units).known) return kind;
    }
    if (unitIdToCommonCode(detail.units.unitId) !== "") return undefined;
  }
  const numeric = typeof detail?.value === "number";
  if (detail?.dataType === DataType.Boolean && /motor|running|auger|XS-/i.test(name)) return "motor";
  if (!numeric) return undefined;
  if (/temp|TT-?\d/i.test(name)) return "temperature";
  if (/flow|FT-?\d|debit|débit/i.test(name)) return "flow";
  if (/power|puissance|JT-?\d/i.test(name)) return "heaterPower";
  return undefined;
}

function positionOf(name: string, kind: SensorKind, sensors: SensorMapping[]): SensorPosition {
  if (kind === "motor") return "motor";
  if (kind === "heaterPower") return "heater";
  if (/basin|bassin|bowl|bak/i.test(name)) return "basin";
  if (/tower|curtain|toren|tour|rideau/i.test(name)) return "tower";
  if (/heater|plate|chauffe|verwarm/i.test(name)) return "heater";
  if (kind === "flow") return "tower";
  // Unnamed temperatures: the first is taken for the basin, the next for the tower.
  return sensors.some((s) => s.kind === "temperature" && s.position === "basin") ? "tower" : "basin";
}

function sensorId(browseName: string, existing: SensorMapping[]): string {
  const base = browseName.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""));
  const id = (base.charAt(0).toLowerCase() + base.slice(1)).slice(0, 60) || "sensor";
  let unique = id;
  for (let n = 2; existing.some((s) => s.sensor === unique); n++) unique = `${id}${n}`;
  return unique;
}

function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9_.-]+/g, "-").slice(0, 64) || "fountain";
}

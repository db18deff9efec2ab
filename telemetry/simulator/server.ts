import net from "node:net";
import path from "node:path";
import {
  DataType,
  type LocalizedTextLike,
  makeEUInformation,
  MessageSecurityMode,
  type Namespace,
  OPCUACertificateManager,
  OPCUAServer,
  SecurityPolicy,
  standardUnits,
  StatusCode,
  StatusCodes,
  type UAObject,
  type UAVariable,
  Variant,
} from "node-opcua";
import { BaseError } from "../../sdk/server";
import type { ChocolateType } from "../model";
import { simulatorNodeId } from "./node-ids";
import { createRandom, FountainThermalModel, type FountainMeasurements } from "./thermal-model";

/** Fault scenarios a simulated fountain can be put into. */
export type FaultName =
  "none" | "heaterFailure" | "overheating" | "flowStop" | "stuckSensor" | "badStatus" | "uncertainStatus";

export const FAULT_NAMES: readonly FaultName[] = [
  "none",
  "heaterFailure",
  "overheating",
  "flowStop",
  "stuckSensor",
  "badStatus",
  "uncertainStatus",
];

/** One simulated fountain as configured. */
export interface SimulatedFountainConfig {
  fountainId: string;
  organisationId: string;
  name?: string;
  chocolate?: ChocolateType;
}

/** Options of {@link startSimulator}. */
export interface SimulatorOptions {
  /** TCP port; 0 picks a free one (tests). Default 4840. */
  port?: number;
  /** Number of fountains (ids `F0001`…, spread over `organisations`) or an explicit list. */
  fountains: number | SimulatedFountainConfig[];
  /** Number of member organisations (`org-01`…) when `fountains` is a number. Default 1. */
  organisations?: number;
  /** Model step and value update period. Default 1000 ms. */
  updateIntervalMs?: number;
  /** Faults active from the start, by fountainId. */
  faults?: Record<string, FaultName>;
  /** Seed of the noise generator, for reproducible runs. Default 1. */
  seed?: number;
  /** Ambient temperature in °C. Default 21. */
  ambientC?: number;
  /** Model seconds per real second (e.g. 60 to watch a heater failure in seconds). Default 1. */
  timeScale?: number;
  /** PKI folder of the server certificate. Default `.data/simulator/pki`. */
  pkiFolder?: string;
  /** Hostname put in the endpoint URL. Default: `host`, or 127.0.0.1 when listening everywhere. */
  hostname?: string;
  /**
   * Address to listen on. Default 127.0.0.1: the simulator accepts any client certificate and
   * anonymous sessions, so it is reachable from this machine only unless asked ("0.0.0.0").
   */
  host?: string;
}

/** Values of one simulated fountain at a given moment (°C, L/min, W). */
export interface SimulatedFountainState extends FountainMeasurements {
  fountainId: string;
  organisationId: string;
  name: string;
  chocolate: ChocolateType;
  fault: FaultName;
}

/** A running simulator. */
export interface Simulator {
  readonly endpointUrl: string;
  readonly port: number;
  /** Current state of every fountain. */
  fountains(): SimulatedFountainState[];
  /** Sets (or with "none", clears) the fault of one fountain. */
  setFault(fountainId: string, fault: FaultName): void;
  /** Stops the OPC UA server (and the model); the port is released. */
  stop(): Promise<void>;
  /** Shuts the server down and starts it again on the same port after `downtimeMs` (default 0). */
  restart(downtimeMs?: number): Promise<void>;
}

const CHOCOLATES: readonly ChocolateType[] = ["dark", "milk", "white"];
const LITRE_PER_MINUTE = makeEUInformation("L2", "L/min", "litre per minute");

interface SimulatedFountain {
  config: Required<SimulatedFountainConfig>;
  model: FountainThermalModel;
  last: FountainMeasurements;
  variables: Map<string, UAVariable>;
}

/** Expands the `fountains` option into explicit fountains (round-robin over organisations). */
export function simulatedFountainConfigs(
  fountains: SimulatorOptions["fountains"],
  organisations = 1,
): Required<SimulatedFountainConfig>[] {
  const list: SimulatedFountainConfig[] =
    typeof fountains === "number"
      ? Array.from({ length: fountains }, (_, i) => ({
          fountainId: `F${String(i + 1).padStart(4, "0")}`,
          organisationId: `org-${String((i % organisations) + 1).padStart(2, "0")}`,
        }))
      : fountains;
  return list.map((fountain, i) => ({
    fountainId: fountain.fountainId,
    organisationId: fountain.organisationId,
    name: fountain.name ?? `Fontaine ${fountain.fountainId}`,
    chocolate: fountain.chocolate ?? CHOCOLATES[i % CHOCOLATES.length]!,
  }));
}

/** The simulator refuses to start because its port is taken. */
export class SimulatorPortInUseError extends BaseError {
  override name = "SimulatorPortInUseError" as const;
  constructor(port: number) {
    super(`port ${port} is already in use; stop the other process or pass --port`, {
      code: "port-in-use",
      details: { port },
      retryable: false,
    });
  }
}

async function assertPortFree(port: number, host: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new SimulatorPortInUseError(port) : error),
    );
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** Starts an OPC UA fountain simulator. */
export async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const updateIntervalMs = options.updateIntervalMs ?? 1_000;
  const timeScale = options.timeScale ?? 1;
  const host = options.host ?? "127.0.0.1";
  const hostname = options.hostname ?? (host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host);
  const pkiFolder = path.resolve(options.pkiFolder ?? ".data/simulator/pki");
  const random = createRandom(options.seed ?? 1);
  const startedAtMs = Date.now();
  const fountains = new Map<string, SimulatedFountain>();
  for (const config of simulatedFountainConfigs(options.fountains, options.organisations)) {
    if (fountains.has(config.fountainId)) throw new Error(`duplicate simulated fountain ${config.fountainId}`);
    const model = new FountainThermalModel(config.chocolate, options.ambientC ?? 21, random);
    model.setFault(options.faults?.[config.fountainId] ?? "none");
    fountains.set(config.fountainId, { config, model, last: model.measure(), variables: new Map() });
  }

  let port = options.port ?? 4840;
  let server: OPCUAServer | undefined;
  let stopped = false;
  let restarting: Promise<void> | undefined;

  const certificateManager = new OPCUACertificateManager({
    rootFolder: pkiFolder,
    // A stand-in for fountain controllers on a trusted bench: it accepts any client certificate.
    automaticallyAcceptUnknownCertificate: true,
  });

  async function startServer(): Promise<void> {
    // node-opcua never settles start() when the port is taken: find out first, with one clear error.
    if (port !== 0) await assertPortFree(port, host);
    const next = new OPCUAServer({
      port,
      host,
      hostname,
      serverCertificateManager: certificateManager,
      securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
      securityPolicies: [
        SecurityPolicy.None,
        SecurityPolicy.Basic256Sha256,
        SecurityPolicy.Aes128_Sha256_RsaOaep,
        SecurityPolicy.Aes256_Sha256_RsaPss,
      ],
      allowAnonymous: true,
      buildInfo: { productName: "Fontaine fountain simulator", manufacturerName: "FOFAC" },
      serverInfo: { applicationUri: "urn:fontaine:simulator", productUri: "urn:fontaine:simulator" },
      disableDiscovery: true,
    });
    await next.initialize();
    buildAddressSpace(next);
    await next.start();
    port = next.endpoints[0]?.port ?? port;
    server = next;
  }

  function buildAddressSpace(opcua: OPCUAServer): void {
    const addressSpace = opcua.engine.addressSpace;
    if (!addressSpace) throw new Error("simulator: address space missing after initialize()");
    const namespace = addressSpace.getOwnNamespace();
    const folder = namespace.addFolder(addressSpace.rootFolder.objects, {
      browseName: "Fountains",
      nodeId: "s=Fountains",
    });
    const restartMethod = namespace.addMethod(folder, {
      browseName: "RestartServer",
      nodeId: "s=Fountains.RestartServer",
      description: "Shuts the server down and starts it again after downtimeMs",
      inputArguments: [{ name: "downtimeMs", dataType: DataType.UInt32 }],
      outputArguments: [],
    });
    restartMethod.bindMethod(async (inputArguments: Variant[], _context: unknown) => {
      const downtimeMs = Number(inputArguments[0]?.value ?? 0);
      // Answer the call first: the restart tears down the very session that asked for it.
      setTimeout(() => void simulator.restart(downtimeMs).catch(() => undefined), 50);
      return { statusCode: StatusCodes.Good };
    });
    for (const fountain of fountains.values()) addFountain(namespace, folder, fountain);
  }

  function addFountain(namespace: Namespace, folder: UAObject, fountain: SimulatedFountain): void {
    const { fountainId, name, organisationId, chocolate } = fountain.config;
    const id = (browseName: string) => simulatorNodeId(fountainId, browseName).replace(/^ns=1;/, "");
    const object = namespace.addObject({
      organizedBy: folder,
      browseName: fountainId,
      displayName: name as LocalizedTextLike,
      nodeId: `s=Fountains.${fountainId}`,
    });
    fountain.variables.clear();
    const analog = (
      browseName: string,
      unit: typeof LITRE_PER_MINUTE,
      euRange: { low: number; high: number },
      instrumentRange: { low: number; high: number },
    ) => {
      const variable = namespace.addAnalogDataItem({
        componentOf: object,
        browseName,
        nodeId: id(browseName),
        dataType: "Double",
        engineeringUnits: unit,
        engineeringUnitsRange: euRange,
        instrumentRange,
        // Values change only when the model publishes them, so exception-based monitoring (0) is exact.
        minimumSamplingInterval: 0,
        value: { dataType: DataType.Double, value: 0 },
      });
      fountain.variables.set(browseName, variable as unknown as UAVariable);
    };
    analog("BasinTemperature", standardUnits.degree_celsius, { low: 0, high: 80 }, { low: -20, high: 150 });
    analog("TowerTemperature", standardUnits.degree_celsius, { low: 0, high: 80 }, { low: -20, high: 150 });
    analog("HeaterTemperature", standardUnits.degree_celsius, { low: 0, high: 150 }, { low: -20, high: 200 });
    analog("ChocolateFlow", LITRE_PER_MINUTE, { low: 0, high: 10 }, { low: 0, high: 20 });
    analog("HeaterPower", standardUnits.watt, { low: 0, high: 1_000 }, { low: 0, high: 1_200 });
    const motor = namespace.addVariable({
      componentOf: object,
      browseName: "MotorRunning",
      nodeId: id("MotorRunning"),
      dataType: "Boolean",
      minimumSamplingInterval: 0,
      value: { dataType: DataType.Boolean, value: true },
    });
    fountain.variables.set("MotorRunning", motor);
    namespace.addVariable({
      componentOf: object,
      browseName: "ChocolateType",
      nodeId: id("ChocolateType"),
      dataType: "String",
      value: { dataType: DataType.String, value: chocolate },
    });
    namespace.addVariable({
      componentOf: object,
      browseName: "Fault",
      nodeId: id("Fault"),
      dataType: "String",
      minimumSamplingInterval: 500,
      value: { get: () => new Variant({ dataType: DataType.String, value: fountain.model.fault }) },
    });
    const nameplate = namespace.addObject({ componentOf: object, browseName: "Nameplate", nodeId: id("Nameplate") });
    const property = (browseName: string, value: string) =>
      namespace.addVariable({
        propertyOf: nameplate,
        browseName,
        nodeId: id(`Nameplate.${browseName}`),
        dataType: "String",
        value: { dataType: DataType.String, value },
      });
    property("Manufacturer", "Fontaine simulator");
    property("Model", "FS-3 tiers");
    property("SerialNumber", `SIM-${fountainId}`);
    property("Owner", organisationId);
    const setFault = namespace.addMethod(object, {
      browseName: "SetFault",
      nodeId: id("SetFault"),
      description: `One of ${FAULT_NAMES.join(", ")}`,
      inputArguments: [{ name: "fault", dataType: DataType.String }],
      outputArguments: [],
    });
    setFault.bindMethod(async (inputArguments: Variant[], _context: unknown) => {
      const fault = String(inputArguments[0]?.value ?? "");
      if (!(FAULT_NAMES as readonly string[]).includes(fault)) return { statusCode: StatusCodes.BadInvalidArgument };
      simulator.setFault(fountainId, fault as FaultName);
      return { statusCode: StatusCodes.Good };
    });
    publish(fountain, new Date());
  }

  function statusFor(fault: FaultName): StatusCode {
    if (fault === "badStatus") return StatusCodes.BadSensorFailure;
    if (fault === "uncertainStatus") return StatusCodes.UncertainSensorNotAccurate;
    return StatusCodes.Good;
  }

  function publish(fountain: SimulatedFountain, now: Date): void {
    if (fountain.variables.size === 0) return;
    const status = statusFor(fountain.model.fault);
    const values: Record<string, number> = {
      BasinTemperature: fountain.last.basinC,
      TowerTemperature: fountain.last.towerC,
      HeaterTemperature: fountain.last.heaterC,
      ChocolateFlow: fountain.last.flowLitresPerMinute,
      HeaterPower: fountain.last.heaterPowerW,
    };
    for (const [browseName, value] of Object.entries(values)) {
      const temperature = browseName.endsWith("Temperature");
      fountain.variables
        .get(browseName)
        ?.setValueFromSource({ dataType: DataType.Double, value }, temperature ? status : StatusCodes.Good, now);
    }
    fountain.variables
      .get("MotorRunning")
      ?.setValueFromSource({ dataType: DataType.Boolean, value: fountain.last.motorRunning }, StatusCodes.Good, now);
  }

  // Real controllers are not synchronised: each fountain updates once per period, at its own phase
  // (fountains are spread over up to 10 slices of the period), rather than all in the same millisecond.
  const slices = Math.max(1, Math.min(10, Math.floor(updateIntervalMs / 50)));
  const bySlice: SimulatedFountain[][] = Array.from({ length: slices }, () => []);
  [...fountains.values()].forEach((fountain, index) => bySlice[index % slices]!.push(fountain));
  const lastStepAt = new Map<SimulatedFountain, number>();
  let slice = 0;
  const ticker = setInterval(() => {
    const nowMs = Date.now();
    const now = new Date(nowMs);
    const serving = server !== undefined && restarting === undefined;
    for (const fountain of bySlice[slice]!) {
      const seconds = ((nowMs - (lastStepAt.get(fountain) ?? startedAtMs)) / 1_000) * timeScale;
      lastStepAt.set(fountain, nowMs);
      fountain.model.step(seconds);
      fountain.last = fountain.model.measure();
      if (serving) publish(fountain, now);
    }
    slice = (slice + 1) % slices;
  }, updateIntervalMs / slices);

  async function shutdownServer(): Promise<void> {
    const current = server;
    server = undefined;
    if (!current) return;
    for (const fountain of fountains.values()) fountain.variables.clear();
    await current.shutdown(0);
  }

  const simulator: Simulator = {
    get endpointUrl() {
      return `opc.tcp://${hostname}:${port}`;
    },
    get port() {
      return port;
    },
    fountains() {
      return [...fountains.values()].map((f) => ({ ...f.config, ...f.last, fault: f.model.fault }));
    },
    setFault(fountainId, fault) {
      const fountain = fountains.get(fountainId);
      if (!fountain) throw new Error(`unknown simulated fountain ${fountainId}`);
      fountain.model.setFault(fault);
      fountain.last = fountain.model.measure();
      publish(fountain, new Date());
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(ticker);
      await restarting?.catch(() => undefined);
      await shutdownServer();
      await certificateManager.dispose();
    },
    async restart(downtimeMs = 0) {
      if (stopped) throw new Error("simulator stopped");
      if (restarting) return restarting;
      restarting = (async () => {
        await shutdownServer();
        await new Promise((resolve) => setTimeout(resolve, downtimeMs));
        if (!stopped) await startServer();
      })().finally(() => {
        restarting = undefined;
      });
      return restarting;
    },
  };

  try {
    await startServer();
  } catch (error) {
    clearInterval(ticker);
    await certificateManager.dispose().catch(() => undefined);
    throw error;
  }
  return simulator;
}

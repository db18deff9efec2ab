import { EventEmitter } from "node:events";
import path from "node:path";
import {
  AttributeIds,
  BrowseDirection,
  type ClientMonitoredItemGroup,
  type ClientSession,
  type ClientSubscription,
  DataChangeFilter,
  DataChangeTrigger,
  type DataValue,
  DeadbandType,
  type EUInformation,
  MessageSecurityMode,
  OPCUACertificateManager,
  OPCUAClient,
  type Range,
  type ReadValueIdOptions,
  SecurityPolicy,
  TimestampsToReturn,
  type UserIdentityInfo,
  UserTokenType,
} from "node-opcua";
import type { Logger } from "pino";
import { errorMessage } from "../../sdk/server";
import type { ChocolateType, FountainDescription, Gap, Reading, SensorDescription } from "../model";
import type { EndpointConfig, GatewayConfig, SensorMapping } from "./config";
import { OpcuaSourceError } from "./errors";
import { type SensorBinding, toReading } from "./readings";
import { DEFAULT_UNIT, unitConversion } from "./units";

export type SourceState = "connecting" | "connected" | "reconnecting" | "stopped";

/** Events of one OPC UA source. */
export interface OpcuaSourceEvents {
  reading: [Reading];
  gap: [Gap];
  state: [];
  fountains: [FountainDescription[]];
}

interface Binding extends SensorBinding {
  nodeId: string;
  mapping: SensorMapping;
}

/** Resources of one connection attempt; a new generation is built after every loss. */
interface Link {
  generation: number;
  client: OPCUAClient;
  session?: ClientSession;
  subscription?: ClientSubscription;
  groups: ClientMonitoredItemGroup[];
  keepAliveMs: number;
}

const BATCH = 500;
const CHOCOLATES: readonly ChocolateType[] = ["dark", "milk", "white"];

/**
 * One OPC UA server: owns its client, session and subscription, rebuilds them after any loss
 * (socket closed, server restarted, keep-alives missing on a silently dropped link, subscription
 * deleted after a long outage) and marks the missed period as a gap for each of its fountains.
 *
 * node-opcua's own reconnection is disabled (maxRetry 0): a fresh client, session and subscription
 * per attempt behaves the same for all three failure kinds and is simple to reason about.
 */
export class OpcuaSource extends EventEmitter<OpcuaSourceEvents> {
  state: SourceState = "stopped";
  reconnections = 0;
  /** Last data change or keep-alive (ms since epoch). */
  lastAliveAt: number | null = null;
  lastError: string | undefined;

  private descriptions: FountainDescription[];
  private bindings: Binding[] = [];
  private link: Link | undefined;
  private generation = 0;
  private attempt = 0;
  private everConnected = false;
  private pendingGap: { from: number; reason: string } | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private stopping = false;
  private firstAttempt: { resolve: () => void } | undefined;
  private readonly logger: Logger;

  /** `certificateManager` is shared by every source of a gateway: one trust store, one folder lock. */
  constructor(
    private readonly endpoint: EndpointConfig,
    private readonly config: GatewayConfig,
    logger: Logger,
    private readonly certificateManager: () => OPCUACertificateManager,
  ) {
    super();
    this.logger = logger.child({ source: endpoint.id });
    this.descriptions = endpoint.fountains.map((fountain) => ({
      fountainId: fountain.fountainId,
      organisationId: fountain.organisationId,
      name: fountain.name,
      chocolate: fountain.chocolate,
      sensors: fountain.sensors.map((sensor) => ({
        sensor: sensor.sensor,
        kind: sensor.kind,
        position: sensor.position,
        unit: unitConversion(sensor.kind, { symbol: sensor.unit ?? DEFAULT_UNIT[sensor.kind] }).unit,
      })),
    }));
  }

  get id(): string {
    return this.endpoint.id;
  }

  get url(): string {
    return this.endpoint.url;
  }

  /** Fountain descriptions, refined by the server's EngineeringUnits after each discovery. */
  fountains(): FountainDescription[] {
    return this.descriptions;
  }

  /** Starts connecting; resolves after the first attempt, whether it succeeded or not. */
  start(): Promise<void> {
    if (this.state !== "stopped") return Promise.resolve();
    this.stopping = false;
    this.setState("connecting");
    return new Promise((resolve) => {
      this.firstAttempt = { resolve };
      this.scheduleConnect(0);
    });
  }

  /** Closes subscription, session, then client. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.watchdog);
    this.generation++;
    const link = this.link;
    this.link = undefined;
    if (link) await this.teardown(link, true);
    this.resolveFirstAttempt();
    this.setState("stopped");
  }

  private setState(state: SourceState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit("state");
  }

  private resolveFirstAttempt(): void {
    this.firstAttempt?.resolve();
    this.firstAttempt = undefined;
  }

  private scheduleConnect(delayMs: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), delayMs);
  }

  private backoffMs(): number {
    const { initialDelayMs, maxDelayMs } = this.config.reconnect;
    const base = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(this.attempt, 16));
    // Jitter so a federation of gateways does not hammer a restarted server in lockstep.
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  private async connect(): Promise<void> {
    if (this.stopping) return;
    const generation = ++this.generation;
    const link = this.createLink(generation);
    this.link = link;
    try {
      await this.establish(link);
      if (generation !== this.generation) return;
      if (this.everConnected) this.reconnections++;
      this.everConnected = true;
      this.attempt = 0;
      this.lastError = undefined;
      this.lastAliveAt = Date.now();
      this.armWatchdog(link);
      this.setState("connected");
      this.logger.info({ url: this.endpoint.url, reconnections: this.reconnections }, "opcua source subscribed");
    } catch (error) {
      if (generation !== this.generation || this.stopping) return;
      this.lastError = describeConnectionError(error, this.config);
      this.logger.warn({ url: this.endpoint.url, err: this.lastError, attempt: this.attempt }, "opcua connect failed");
      this.link = undefined;
      void this.teardown(link, false);
      this.attempt++;
      this.setState(this.everConnected ? "reconnecting" : "connecting");
      this.scheduleConnect(this.backoffMs());
    } finally {
      this.resolveFirstAttempt();
    }
  }

  private createLink(generation: number): Link {
    const { endpoint, config } = this;
    const client = OPCUAClient.create({
      applicationName: config.applicationName,
      applicationUri: `urn:fontaine:telemetry-gateway`,
      clientName: `fontaine-${endpoint.id}`,
      endpointMustExist: false,
      securityMode: MessageSecurityMode[endpoint.securityMode],
      securityPolicy: SecurityPolicy[endpoint.securityPolicy],
      clientCertificateManager: this.certificateManager(),
      connectionStrategy: { maxRetry: 0, initialDelay: config.reconnect.initialDelayMs, maxDelay: 1_000 },
      keepSessionAlive: false,
      requestedSessionTimeout: Math.max(60_000, config.subscription.publishingIntervalMs * 100),
      defaultTransactionTimeout: config.reconnect.requestTimeoutMs,
      transportTimeout: config.reconnect.requestTimeoutMs,
    });
    client.on("connection_lost", () => this.lost(generation, "connection lost"));
    client.on("close", (err) => {
      if (err) this.lost(generation, "connection closed");
    });
    return { generation, client, groups: [], keepAliveMs: 0 };
  }

  private async establish(link: Link): Promise<void> {
    const { endpoint, config } = this;
    const timeout = config.reconnect.requestTimeoutMs;
    await withTimeout(link.client.connect(endpoint.url), timeout, "connect");
    const session = await withTimeout(link.client.createSession(identityOf(endpoint)), timeout, "create session");
    link.session = session;
    session.on("session_closed", () => this.lost(link.generation, "session closed by server"));

    const namespaces = await session.readNamespaceArray();
    await this.discover(session, namespaces);

    const { subscription: options } = config;
    const subscription = await session.createSubscription2({
      requestedPublishingInterval: options.publishingIntervalMs,
      requestedLifetimeCount: options.lifetimeCount,
      requestedMaxKeepAliveCount: options.maxKeepAliveCount,
      maxNotificationsPerPublish: 0,
      publishingEnabled: true,
      priority: 10,
    });
    link.subscription = subscription;
    link.keepAliveMs = subscription.publishingInterval * subscription.maxKeepAliveCount;
    subscription.on("keepalive", () => this.alive(link.generation));
    subscription.on("terminated", () => this.lost(link.generation, "subscription terminated"));
    subscription.on("status_changed", (status) => {
      if (status.isBad()) this.lost(link.generation, `subscription ${status.name}`);
    });

    // Booleans refuse a deadband filter, so discrete and analog sensors are monitored separately.
    const analog = this.bindings.filter((b) => b.kind !== "motor");
    const discrete = this.bindings.filter((b) => b.kind === "motor");
    const deadband =
      options.deadband > 0
        ? new DataChangeFilter({
            trigger: DataChangeTrigger.StatusValue,
            deadbandType: DeadbandType.Absolute,
            deadbandValue: options.deadband,
          })
        : null;
    for (const [bindings, filter] of [
      [analog, deadband],
      [discrete, null],
    ] as const) {
      for (let offset = 0; offset < bindings.length; offset += BATCH) {
        const slice = bindings.slice(offset, offset + BATCH);
        const items: ReadValueIdOptions[] = slice.map((b) => ({ nodeId: b.nodeId, attributeId: AttributeIds.Value }));
        const group = await subscription.monitorItems(
          items,
          { samplingInterval: options.samplingIntervalMs, queueSize: options.queueSize, discardOldest: true, filter },
          TimestampsToReturn.Both,
        );
        link.groups.push(group);
        group.on("changed", (_item, dataValue: DataValue, index: number) => {
          const binding = slice[index];
          if (binding) this.onData(link.generation, binding, dataValue);
        });
        group.monitoredItems.forEach((item, index) => {
          const status = item.statusCode;
          const binding = slice[index];
          if (!status || !status.isBad() || !binding) return;
          this.logger.warn({ nodeId: binding.nodeId, status: status.name }, "cannot monitor node");
          // A wrong mapping must show up as bad data on that sensor, not as silence.
          const now = Date.now();
          this.emit(
            "reading",
            toReading(binding, { value: undefined, statusCode: status.value, sourceTimestamp: new Date(now) }, now),
          );
        });
      }
    }

    // A fountain refilled with another chocolate changes its limits: follow the recipe variable live.
    const recipes = this.endpoint.fountains.flatMap((fountain) =>
      fountain.chocolateNodeId
        ? [{ fountainId: fountain.fountainId, nodeId: resolveNamespace(fountain.chocolateNodeId, namespaces) }]
        : [],
    );
    if (recipes.length > 0) {
      const group = await subscription.monitorItems(
        recipes.map((r) => ({ nodeId: r.nodeId, attributeId: AttributeIds.Value })),
        { samplingInterval: Math.max(1_000, options.samplingIntervalMs), queueSize: 1, discardOldest: true },
        TimestampsToReturn.Neither,
      );
      link.groups.push(group);
      group.on("changed", (_item, dataValue: DataValue, index: number) => {
        const recipe = recipes[index];
        if (recipe && dataValue.statusCode.isGood())
          this.onChocolate(link.generation, recipe.fountainId, dataValue.value?.value);
      });
    }
  }

  private onChocolate(generation: number, fountainId: string, value: unknown): void {
    if (generation !== this.generation) return;
    this.alive(generation);
    const chocolate = chocolateOf(value);
    const current = this.descriptions.find((f) => f.fountainId === fountainId);
    if (!chocolate || !current || current.chocolate === chocolate) return;
    this.logger.info({ fountainId, chocolate }, "chocolate type changed");
    this.descriptions = this.descriptions.map((f) => (f.fountainId === fountainId ? { ...f, chocolate } : f));
    this.emit("fountains", this.descriptions);
  }

  /** Reads EngineeringUnits, EURange, InstrumentRange and chocolate types; rebuilds bindings and descriptions. */
  private async discover(session: ClientSession, namespaces: string[]): Promise<void> {
    const mappings = this.endpoint.fountains.flatMap((fountain) =>
      fountain.sensors.map((sensor) => ({ fountain, sensor, nodeId: resolveNamespace(sensor.nodeId, namespaces) })),
    );
    const properties = new Map<string, Record<string, string>>();
    for (let offset = 0; offset < mappings.length; offset += BATCH) {
      const slice = mappings.slice(offset, offset + BATCH);
      const results = await session.browse(
        slice.map((m) => ({
          nodeId: m.nodeId,
          referenceTypeId: "HasProperty",
          browseDirection: BrowseDirection.Forward,
          includeSubtypes: true,
          resultMask: 0x3f,
        })),
      );
      results.forEach((result, i) => {
        const byName: Record<string, string> = {};
        for (const reference of result.references ?? [])
          byName[reference.browseName.name ?? ""] = reference.nodeId.toString();
        properties.set(slice[i]!.nodeId, byName);
        if (result.statusCode.isBad())
          this.logger.warn({ nodeId: slice[i]!.nodeId, status: result.statusCode.name }, "cannot browse mapped node");
      });
    }

    const reads: { key: string; nodeId: string }[] = [];
    for (const m of mappings) {
      const props = properties.get(m.nodeId) ?? {};
      for (const name of ["EngineeringUnits", "EURange", "InstrumentRange"]) {
        const nodeId = props[name];
        if (nodeId) reads.push({ key: `${m.nodeId}|${name}`, nodeId });
      }
    }
    for (const fountain of this.endpoint.fountains) {
      if (fountain.chocolateNodeId)
        reads.push({
          key: `chocolate|${fountain.fountainId}`,
          nodeId: resolveNamespace(fountain.chocolateNodeId, namespaces),
        });
    }
    const values = new Map<string, unknown>();
    for (let offset = 0; offset < reads.length; offset += BATCH) {
      const slice = reads.slice(offset, offset + BATCH);
      const results = await session.read(slice.map((r) => ({ nodeId: r.nodeId, attributeId: AttributeIds.Value })));
      results.forEach((result, i) => {
        if (result.statusCode.isGood()) values.set(slice[i]!.key, result.value.value);
      });
    }

    const bindings: Binding[] = [];
    this.descriptions = this.endpoint.fountains.map((fountain) => {
      const sensors: SensorDescription[] = fountain.sensors.map((sensor) => {
        const nodeId = resolveNamespace(sensor.nodeId, namespaces);
        const eu = values.get(`${nodeId}|EngineeringUnits`) as EUInformation | undefined;
        const conversion = unitConversion(
          sensor.kind,
          eu
            ? { unitId: eu.unitId, symbol: eu.displayName?.text ?? undefined }
            : { symbol: sensor.unit ?? DEFAULT_UNIT[sensor.kind] },
        );
        if (!conversion.known)
          this.logger.warn(
            { fountainId: fountain.fountainId, sensor: sensor.sensor, unit: conversion.sourceUnit },
            "unknown unit for this kind of sensor: readings keep it and are marked uncertain",
          );
        const euRange = convertRange(values.get(`${nodeId}|EURange`) as Range | undefined, conversion.convert);
        const instrumentRange = convertRange(
          values.get(`${nodeId}|InstrumentRange`) as Range | undefined,
          conversion.convert,
        );
        bindings.push({
          fountainId: fountain.fountainId,
          sensor: sensor.sensor,
          kind: sensor.kind,
          conversion,
          instrumentRange,
          nodeId,
          mapping: sensor,
        });
        return {
          sensor: sensor.sensor,
          kind: sensor.kind,
          position: sensor.position,
          unit: conversion.unit,
          ...(conversion.sourceUnit && conversion.sourceUnit !== conversion.unit
            ? { sourceUnit: conversion.sourceUnit }
            : {}),
          ...(euRange ? { euRange } : {}),
        };
      });
      return {
        fountainId: fountain.fountainId,
        organisationId: fountain.organisationId,
        name: fountain.name,
        chocolate: chocolateOf(values.get(`chocolate|${fountain.fountainId}`)) ?? fountain.chocolate,
        sensors,
      };
    });
    this.bindings = bindings;
    this.emit("fountains", this.descriptions);
  }

  private onData(generation: number, binding: Binding, dataValue: DataValue): void {
    if (generation !== this.generation) return;
    const receivedAt = Date.now();
    this.alive(generation, receivedAt);
    this.emit(
      "reading",
      toReading(
        binding,
        {
          value: dataValue.value?.value,
          statusCode: dataValue.statusCode.value,
          sourceTimestamp: dataValue.sourceTimestamp,
          serverTimestamp: dataValue.serverTimestamp,
        },
        receivedAt,
      ),
    );
  }

  private alive(generation: number, at = Date.now()): void {
    if (generation !== this.generation) return;
    this.lastAliveAt = at;
    const gap = this.pendingGap;
    if (!gap) return;
    this.pendingGap = undefined;
    for (const fountain of this.descriptions)
      this.emit("gap", {
        fountainId: fountain.fountainId,
        source: this.endpoint.id,
        from: gap.from,
        to: at,
        reason: gap.reason,
      });
  }

  /** A silently dropped link sends nothing: no keep-alive for two periods means the link is dead. */
  private armWatchdog(link: Link): void {
    clearInterval(this.watchdog);
    const limit = 2 * link.keepAliveMs + 1_000;
    this.watchdog = setInterval(
      () => {
        if (link.generation !== this.generation) return clearInterval(this.watchdog);
        if (this.lastAliveAt !== null && Date.now() - this.lastAliveAt > limit)
          this.lost(link.generation, "keep-alive timeout");
      },
      Math.max(100, Math.round(link.keepAliveMs / 2)),
    );
  }

  private lost(generation: number, reason: string): void {
    if (generation !== this.generation || this.stopping) return;
    this.generation++;
    clearInterval(this.watchdog);
    const link = this.link;
    this.link = undefined;
    if (this.everConnected) this.pendingGap ??= { from: this.lastAliveAt ?? Date.now(), reason };
    this.lastError = reason;
    this.logger.warn({ url: this.endpoint.url, reason }, "opcua source lost; reconnecting");
    this.setState("reconnecting");
    if (link) void this.teardown(link, false);
    this.attempt = 0;
    this.scheduleConnect(this.backoffMs());
  }

  /** Closes session before client; bounded, because a dead link never answers. */
  private async teardown(link: Link, graceful: boolean): Promise<void> {
    link.client.removeAllListeners();
    link.session?.removeAllListeners();
    link.subscription?.removeAllListeners();
    for (const group of link.groups) group.removeAllListeners();
    const bound = graceful ? 3_000 : 500;
    if (link.session) await withTimeout(link.session.close(true), bound, "close session").catch(() => undefined);
    await withTimeout(link.client.disconnect(), bound + 1_000, "disconnect").catch(() => undefined);
  }
}

function identityOf(endpoint: EndpointConfig): UserIdentityInfo {
  const credentials = endpoint.credentials;
  if (credentials.type === "userName")
    return { type: UserTokenType.UserName, userName: credentials.userName, password: credentials.password };
  return { type: UserTokenType.Anonymous };
}

/** `nsu=<uri>;…` becomes `ns=<index>;…` against the server's current namespace table. */
export function resolveNamespace(nodeId: string, namespaces: readonly string[]): string {
  const match = /^nsu=([^;]+);(.*)$/.exec(nodeId);
  if (!match) return nodeId;
  const index = namespaces.indexOf(match[1]!);
  if (index < 0) throw new OpcuaSourceError(`namespace ${match[1]} is not on the server`, undefined, { nodeId });
  return `ns=${index};${match[2]}`;
}

function convertRange(range: Range | undefined, convert: (v: number) => number) {
  if (!range || typeof range.low !== "number" || typeof range.high !== "number") return undefined;
  const a = convert(range.low);
  const b = convert(range.high);
  return { low: Math.round(Math.min(a, b) * 1e3) / 1e3, high: Math.round(Math.max(a, b) * 1e3) / 1e3 };
}

function chocolateOf(value: unknown): ChocolateType | undefined {
  if (typeof value === "string" && (CHOCOLATES as readonly string[]).includes(value.toLowerCase()))
    return value.toLowerCase() as ChocolateType;
  if (typeof value === "number") return CHOCOLATES[value];
  return undefined;
}

function describeConnectionError(error: unknown, config: GatewayConfig): string {
  const message = errorMessage(error);
  if (/certificate/i.test(message) || /BadSecurityChecksFailed|BadCertificate/i.test(message))
    return `${message} (if the server certificate is genuine, trust it: move it from ${path.join(config.pki.folder, "rejected")} to ${path.join(config.pki.folder, "trusted", "certs")})`;
  return message;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new OpcuaSourceError(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

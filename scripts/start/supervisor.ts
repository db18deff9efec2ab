import { spawn, type ChildProcess } from "node:child_process";
import { EventEmitter } from "node:events";

/** How to run one supervised service. */
export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Resolves once the service answers (e.g. its health URL); rejects on timeout. */
  ready: () => Promise<void>;
}

interface Running {
  spec: ServiceSpec;
  child?: ChildProcess;
  restarts: number;
  stopping: boolean;
  timer?: NodeJS.Timeout;
}

export interface SupervisorEvents {
  output: [service: string, line: string];
  ready: [service: string];
  crashed: [service: string, code: number | null, signal: NodeJS.Signals | null, restartInMs: number];
  gaveUp: [service: string];
}

const MAX_BACKOFF_MS = 30_000;
const MAX_RESTARTS = 10;

/**
 * Runs child processes, prefixes their output, restarts a crashed child with exponential backoff
 * and stops them all (SIGTERM, then SIGKILL after the grace period) on `stop()`.
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  private readonly services = new Map<string, Running>();

  /** Starts a service and resolves when it is ready (first start only). */
  async start(spec: ServiceSpec): Promise<void> {
    const running: Running = { spec, restarts: 0, stopping: false };
    this.services.set(spec.name, running);
    const exited = new Promise<never>((_, reject) => {
      this.launch(running, (code, signal) =>
        reject(new Error(`${spec.name} exited while starting (${signal ?? `code ${code}`})`)),
      );
    });
    await Promise.race([spec.ready(), exited]);
    this.emit("ready", spec.name);
  }

  private launch(running: Running, onEarlyExit?: (code: number | null, signal: NodeJS.Signals | null) => void): void {
    const { spec } = running;
    const child = spawn(spec.command, spec.args, {
      env: { ...process.env, ...spec.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.child = child;
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) this.emit("output", spec.name, line);
    };
    child.stdout?.on("data", relay);
    child.stderr?.on("data", relay);
    let startedAt = Date.now();
    child.once("spawn", () => (startedAt = Date.now()));
    child.once("exit", (code, signal) => {
      running.child = undefined;
      if (running.stopping) return;
      if (onEarlyExit && running.restarts === 0 && Date.now() - startedAt < 60_000 && !this.wasReady(spec.name)) {
        onEarlyExit(code, signal);
        return;
      }
      // A service that ran for a while earns a fresh backoff.
      if (Date.now() - startedAt > 60_000) running.restarts = 0;
      running.restarts += 1;
      if (running.restarts > MAX_RESTARTS) {
        this.emit("gaveUp", spec.name);
        return;
      }
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (running.restarts - 1));
      this.emit("crashed", spec.name, code, signal, delay);
      running.timer = setTimeout(() => this.launch(running), delay);
    });
  }

  private readonly readySet = new Set<string>();
  private wasReady(name: string): boolean {
    return this.readySet.has(name);
  }

  override emit<K extends keyof SupervisorEvents>(event: K, ...args: SupervisorEvents[K]): boolean {
    if (event === "ready") this.readySet.add(args[0] as string);
    return super.emit(event, ...(args as never));
  }

  /** Pid of a running service, if any. */
  pid(name: string): number | undefined {
    return this.services.get(name)?.child?.pid;
  }

  /** Stops services in reverse start order, each within `graceMs`. */
  async stop(graceMs = 8_000): Promise<void> {
    const all = [...this.services.values()].reverse();
    for (const running of all) {
      running.stopping = true;
      clearTimeout(running.timer);
    }
    for (const running of all) await stopChild(running.child, graceMs);
  }
}

async function stopChild(child: ChildProcess | undefined, graceMs: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Polls `url` until it answers 2xx, or rejects after `timeoutMs`. */
export async function waitForHttp(url: string, timeoutMs = 120_000, init?: RequestInit): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
      last = new Error(`HTTP ${response.status}`);
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (${last instanceof Error ? last.message : last})`);
}

import type { Logger } from "pino";

type Step = { name: string; close: () => Promise<void> | void };

/** Graceful shutdown registered in one place; steps run in reverse order of registration. */
export interface Shutdown {
  /** Registers a resource to close (last added closes first). */
  add(name: string, close: () => Promise<void> | void): Shutdown;
  /** Runs every step once, each bounded by the deadline; resolves when all are done. */
  run(reason: string): Promise<void>;
  /** Calls `run` on SIGINT/SIGTERM, then exits with 0 (or 1 when a step failed). */
  installSignalHandlers(): void;
  readonly closing: boolean;
}

/** Creates the shutdown registry of a process. */
export function createShutdown(logger: Logger, deadlineMs = 9_000): Shutdown {
  const steps: Step[] = [];
  let running: Promise<void> | undefined;
  let failed = false;

  const shutdown: Shutdown = {
    get closing() {
      return running !== undefined;
    },
    add(name, close) {
      steps.push({ name, close });
      return shutdown;
    },
    run(reason) {
      running ??= (async () => {
        logger.info({ reason }, "shutting down");
        for (const step of [...steps].reverse()) {
          let timer: NodeJS.Timeout | undefined;
          try {
            await Promise.race([
              Promise.resolve().then(step.close),
              new Promise((_, reject) => {
                timer = setTimeout(() => reject(new Error(`${step.name} did not close in time`)), deadlineMs);
              }),
            ]);
          } catch (error) {
            failed = true;
            logger.error({ err: error, step: step.name }, "shutdown step failed");
          } finally {
            clearTimeout(timer);
          }
        }
        logger.info("stopped");
      })();
      return running;
    },
    installSignalHandlers() {
      const onSignal = (signal: NodeJS.Signals) => {
        void shutdown.run(signal).then(() => process.exit(failed ? 1 : 0));
      };
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
    },
  };
  return shutdown;
}

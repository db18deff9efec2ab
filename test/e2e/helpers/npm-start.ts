import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { freePort } from "../../api/helpers/chain";

export { freePort };
/** Whether something accepts connections on this loopback port. */
export { isListening as listening } from "../../../scripts/start/ports";

/** The repository root. */
export const root = path.resolve(__dirname, "..", "..", "..");

export interface Stack {
  process: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/**
 * Runs `npm start`'s entry point with its own data folder and ports; resolves once it printed "ready". With
 * `throughNpm`, runs `npm start` itself, as a user does (the child is then npm).
 */
export async function startStack(
  env: NodeJS.ProcessEnv,
  args: string[],
  options: { throughNpm?: boolean } = {},
): Promise<Stack> {
  const [command, commandArgs] = options.throughNpm
    ? ["npm", ["start", "--silent", "--", ...args]]
    : [process.execPath, ["--import", "tsx", path.join(root, "scripts/start/start.ts"), ...args]];
  const child = spawn(command, commandArgs, {
    cwd: root,
    env: { ...process.env, ...env, CI: "true" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString("utf8"));
      const all = output.join("");
      if (/ready in [\d.]+ s[\s\S]*Ctrl-C stops everything/.test(all)) resolve();
      if (/cannot start/.test(all)) reject(new Error(all));
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    void exited.then((code) => reject(new Error(`npm start exited with ${code}:\n${output.join("")}`)));
  });
  return { process: child, output, exited };
}

/** SIGTERM, as Ctrl-C would; resolves with the exit code and how long stopping took. */
export async function stopStack(stack: Stack): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  stack.process.kill("SIGTERM");
  const code = await stack.exited;
  return { code, ms: Date.now() - started };
}

/**
 * The `fontaine` command line: sub-commands that work against the chain alone (no API, no trust in the federation's
 * servers). Entry point `scripts/cli/fontaine.cjs` (package.json `bin`), so `npx fontaine …` works from the repository.
 */
import { runVerifyBundle, VERIFY_BUNDLE_USAGE, type CommandIo } from "./verify-bundle";

const USAGE = `Usage: fontaine <command> [options]

Commands:
  verify-bundle   verify a disclosure bundle against a chain node

${VERIFY_BUNDLE_USAGE}`;

/** Run the command line with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "verify-bundle") return runVerifyBundle(rest, io);
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    io.stdout(USAGE);
    return command === undefined ? 2 : 0;
  }
  io.stderr(`fontaine: unknown command "${command}"\n\n${USAGE}`);
  return 2;
}

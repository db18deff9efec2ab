#!/usr/bin/env node
// Entry of the `fontaine` command (package.json "bin"). Runs the prebuilt bundle dist/cli/fontaine.cjs (built by
// `npm run build`, or here on first use and after any source edit: see build-cli.cjs); when it cannot be built (no
// esbuild, read-only checkout), runs the TypeScript sources through tsx, slower to start but the same code.
"use strict";

function loadCommand() {
  if (process.env.FONTAINE_CLI_FROM_SOURCE !== "1") {
    try {
      const prebuilt = require("./build-cli.cjs");
      if (!prebuilt.isCurrent()) prebuilt.build();
      const { exports, saveCodeCache } = prebuilt.load();
      return { main: exports.main, done: saveCodeCache };
    } catch (error) {
      if (process.env.FONTAINE_CLI_DEBUG === "1") {
        process.stderr.write(
          `fontaine: prebuilt bundle unavailable, running from source (${error && error.message})\n`,
        );
      }
    }
  }
  try {
    require("tsx/cjs/api").register();
  } catch {
    process.stderr.write(
      "fontaine: cannot start: the prebuilt command (dist/cli/fontaine.cjs) could not be built and tsx is not installed; run `npm ci` (with the development dependencies) or `npm run build:cli`\n",
    );
    process.exit(70);
  }
  return { main: require("./main.ts").main, done: () => {} };
}

const command = loadCommand();
command
  .main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
  })
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`fontaine: ${error && error.message ? error.message : String(error)}\n`);
      process.exitCode = 70;
    },
  )
  .finally(command.done);

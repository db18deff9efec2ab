#!/usr/bin/env node
// Fails unless solidity-coverage measured 100% lines and branches on every production contract.
// Reads coverage/coverage-summary.json (istanbul json-summary), falling back to coverage.json; contracts/test/ is
// excluded by .solcover.js and ignored here too. Usage: node scripts/coverage-gate.mjs [--min <percent>]
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const minIndex = process.argv.indexOf("--min");
const minimum = minIndex > 0 ? Number(process.argv[minIndex + 1]) : 100;

function fromSummary(file) {
  const summary = JSON.parse(readFileSync(file, "utf8"));
  return Object.entries(summary)
    .filter(([name]) => name !== "total")
    .map(([name, metrics]) => ({
      name,
      lines: metrics.lines,
      branches: metrics.branches,
    }));
}

function fromDetail(file) {
  const detail = JSON.parse(readFileSync(file, "utf8"));
  return Object.entries(detail).map(([name, data]) => {
    const lineHits = new Map();
    for (const [id, location] of Object.entries(data.statementMap)) {
      const line = location.start.line;
      lineHits.set(line, Math.max(lineHits.get(line) ?? 0, data.s[id]));
    }
    const branchCounts = Object.values(data.b).flat();
    const count = (values) => ({
      total: values.length,
      covered: values.filter((hits) => hits > 0).length,
      pct: values.length === 0 ? 100 : (100 * values.filter((hits) => hits > 0).length) / values.length,
    });
    return { name, lines: count([...lineHits.values()]), branches: count(branchCounts) };
  });
}

const summaryFile = path.join(root, "coverage", "coverage-summary.json");
const detailFile = path.join(root, "coverage.json");
let files;
if (existsSync(summaryFile)) files = fromSummary(summaryFile);
else if (existsSync(detailFile)) files = fromDetail(detailFile);
else {
  console.error("coverage gate: no coverage/coverage-summary.json or coverage.json; run `npx hardhat coverage` first");
  process.exit(1);
}

const production = files.filter(({ name }) => !/[\\/]contracts[\\/]test[\\/]/.test(path.resolve(root, name)));
if (production.length === 0) {
  console.error("coverage gate: the report lists no production contracts");
  process.exit(1);
}
let failed = false;
for (const { name, lines, branches } of production) {
  const short = path.relative(root, path.resolve(root, name));
  const ok = lines.pct >= minimum && branches.pct >= minimum;
  if (!ok) failed = true;
  console.log(
    `${ok ? "ok  " : "FAIL"} ${short.padEnd(48)} lines ${lines.covered}/${lines.total} (${lines.pct}%)  branches ${branches.covered}/${branches.total} (${branches.pct}%)`,
  );
}
if (failed) {
  console.error(`coverage gate: every production contract needs ${minimum}% lines and branches`);
  process.exit(1);
}
console.log(`coverage gate: ${production.length} files at ${minimum}% lines and branches`);

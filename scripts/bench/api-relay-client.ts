/**
 * Load generator of `npm run bench:api`'s relay phase, in its own process (as autocannon is for the HTTP
 * phases) so that the API process under test is not also paying for the client: POSTs pre-signed attestations
 * read from a JSON file to /v1/attestations with a fixed number of requests in flight, and writes
 * `{ uids, startedAt, seconds, p50Ms, p99Ms }` as JSON to a file once every one was answered 202 (any other answer
 * fails the run); `startedAt` is the wall clock of the first request, `seconds` until the last answer.
 *
 * Usage: node --import tsx scripts/bench/api-relay-client.ts <api url> <payloads.json> <concurrency> <result.json>
 */
import fs from "node:fs";

async function main(): Promise<void> {
  const [apiUrl, file, concurrency, output] = process.argv.slice(2);
  if (!apiUrl || !file || !concurrency || !output) {
    throw new Error("usage: api-relay-client.ts <api url> <payloads.json> <concurrency> <result.json>");
  }
  const bodies = (JSON.parse(fs.readFileSync(file, "utf8")) as unknown[]).map((body) => JSON.stringify(body));
  const uids: string[] = [];
  const latencies: number[] = [];
  let next = 0;
  const startedAt = Date.now();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Number(concurrency) }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const sent = performance.now();
        const response = await fetch(`${apiUrl}/v1/attestations`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        const text = await response.text();
        if (response.status !== 202) throw new Error(`submit answered ${response.status}: ${text}`);
        latencies.push(performance.now() - sent);
        uids.push((JSON.parse(text) as { uid: string }).uid);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const quantile = (q: number) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!);
  // A file, not stdout: a pipe's pending output is cut when the process exits.
  fs.writeFileSync(output, JSON.stringify({ uids, startedAt, seconds, p50Ms: quantile(0.5), p99Ms: quantile(0.99) }));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

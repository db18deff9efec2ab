/** Body of a signature worker thread (started by signature-workers.ts through signature-worker.cjs). */
import { parentPort } from "node:worker_threads";
import { recoverSigner } from "./attest-signature";
import type { WorkerAnswer, WorkerRequest } from "./signature-workers";

parentPort!.on("message", (request: WorkerRequest) => {
  let answer: WorkerAnswer;
  try {
    answer = { id: request.id, results: request.items.map(([digest, signature]) => recoverSigner(digest, signature)) };
  } catch (error) {
    answer = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(answer);
});
parentPort!.postMessage("ready");

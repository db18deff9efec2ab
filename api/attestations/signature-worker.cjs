// Worker-thread entry of api/attestations/signature-workers.ts: workers do not inherit the main thread's
// TypeScript loader, so register tsx here, then run the TypeScript worker.
"use strict";
require("tsx/cjs/api").register();
require("./signature-worker.thread.ts");

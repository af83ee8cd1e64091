#!/usr/bin/env node
// Thin launcher so the bin link exists before the TypeScript build has run.
import { main } from '../dist/main.js';

main(process.argv).then(
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`pipewatch: ${err instanceof Error ? err.message : String(err)}\n`);
    // A failed start can leave sockets open (a half-connected Kafka client): exit for real,
    // so a supervisor sees the failure and restarts the service.
    process.exit(1);
  },
);

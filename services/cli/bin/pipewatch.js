#!/usr/bin/env node
// Thin launcher so the bin link exists before the TypeScript build has run.
import { main } from '../dist/main.js';

main(process.argv).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  (err) => { process.stderr.write(`pipewatch: ${err instanceof Error ? err.message : String(err)}\n`); process.exitCode = 1; },
);

import { fileURLToPath } from 'node:url';

/** The repository root, from this file's place in bench/lib. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PIPEWATCH_BIN = fileURLToPath(new URL('../../services/cli/bin/pipewatch.js', import.meta.url));
export const CLI_ENTRY = fileURLToPath(new URL('../../services/cli/dist/main.js', import.meta.url));
export const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));

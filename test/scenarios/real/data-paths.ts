import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The real data beside the repository (/work/shared/data): written by others, read only. */
export const SHARED_DATA = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
export const TRAVIS_BUILDS_CSV = `${SHARED_DATA}ci-builds/travistorrent-3-projects.builds.csv`;
export const CI_LOGS_DIR = `${SHARED_DATA}ci-logs`;

/** The data set lives beside the repository, not in it: a clone on its own skips the tests that read it. */
export const HAS_SHARED_DATA = existsSync(SHARED_DATA);

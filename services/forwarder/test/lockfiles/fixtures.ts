import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Real lockfile excerpts (see ../fixtures/lockfiles/README.md for where each came from). */
export const fixturePath = (name: string): string => fileURLToPath(new URL(`../fixtures/lockfiles/${name}`, import.meta.url));
export const fixture = (name: string): string => readFileSync(fixturePath(name), 'utf8');

/** This repository's own npm lockfile. */
export const repoLockPath = fileURLToPath(new URL('../../../../package-lock.json', import.meta.url));

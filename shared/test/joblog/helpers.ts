import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES = join(here, '..', 'fixtures', 'joblog');
// /work/main/shared/test/joblog -> /work/shared/data (outside the repo; absent when CI clones the repo alone).
export const CI_LOGS = join(here, '..', '..', '..', '..', 'shared', 'data', 'ci-logs');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

/** Reads a log from the shared data set, or undefined when the data set is not there. */
export function ciLog(relative: string): string | undefined {
  const p = join(CI_LOGS, relative);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}

/** The expected downloads, read with a plain regex grep independent of the parser. */
export function grepDownloads(text: string): { action: string; sha: string }[] {
  const out: { action: string; sha: string }[] = [];
  for (const m of text.matchAll(/Download action repository '([^']+)' \(SHA:([0-9a-f]{40})\)/g)) out.push({ action: m[1]!, sha: m[2]! });
  return out;
}

/** gh-cli shape -> REST shape: drop the job and step columns. */
export function ghToRest(text: string): string {
  return text.split('\n').map((l) => l.split('\t').slice(2).join('\t')).join('\n');
}

/** REST shape -> gh-cli shape, putting every line under one job and a step column derived from Run groups. */
export function restToGh(text: string, job: string): string {
  let step = 'Set up job';
  return text
    .split('\n')
    .map((l) => {
      const msg = l.replace(/^\S+Z /, '');
      if (msg.startsWith('##[group]Run ')) step = msg.slice(9).trim();
      return l === '' ? '' : `${job}\t${step}\t${l}`;
    })
    .join('\n');
}

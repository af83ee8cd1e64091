import assert from 'node:assert/strict';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '@pipewatch/shared';
import { createInMemoryFindingsReader } from '../src/findings/in-memory-findings-reader.js';
import { createNdjsonFindingsReader } from '../src/findings/ndjson-findings-reader.js';
import type { FindingsQuery, FindingsReader } from '../src/findings/findings-reader.js';
import { syntheticFinding } from './helpers/synthetic-finding.js';

const ids = (findings: Finding[]): string[] => findings.map((finding) => finding.finding_id);

async function allPages(reader: FindingsReader, query: Omit<FindingsQuery, 'after'>): Promise<{ pages: string[][]; totals: number[] }> {
  const pages: string[][] = [];
  const totals: number[] = [];
  let after: FindingsQuery['after'];
  for (;;) {
    const page = await reader.list({ ...query, ...(after ? { after } : {}) });
    pages.push(ids(page.findings));
    totals.push(page.total);
    if (!page.next) return { pages, totals };
    after = page.next;
  }
}

describe('in-memory findings reader (the index behind the NDJSON reader)', () => {
  it('lists newest first, ties broken by id descending, whatever order findings arrive in', async () => {
    const same = '2026-03-01T00:00:00.000Z';
    const reader = createInMemoryFindingsReader({
      findings: [syntheticFinding(2), syntheticFinding(9), syntheticFinding(5), syntheticFinding(7, { at: same }), syntheticFinding(8, { at: same })],
    });
    const page = await reader.list({ limit: 10 });
    assert.deepEqual(ids(page.findings), ['f-0008', 'f-0007', 'f-0009', 'f-0005', 'f-0002']);
    assert.equal(page.total, 5);
    assert.equal(page.next, null);
  });

  it('pages with a cursor: every matching finding exactly once, the total the same on every page', async () => {
    const reader = createInMemoryFindingsReader({ findings: Array.from({ length: 23 }, (_, n) => syntheticFinding(n, { severity: n % 2 ? 'high' : 'low' })) });
    const { pages, totals } = await allPages(reader, { limit: 5, minSeverity: 'high' });
    assert.deepEqual(pages.map((page) => page.length), [5, 5, 1]);
    const expected = Array.from({ length: 23 }, (_, n) => n).filter((n) => n % 2).reverse().map((n) => `f-${String(n).padStart(4, '0')}`);
    assert.deepEqual(pages.flat(), expected);
    assert.deepEqual(totals, [11, 11, 11]);
  });

  it('filters by severity list, minimum severity, category, rule glob, repository and pipeline globs, run and time range', async () => {
    const reader = createInMemoryFindingsReader({
      findings: [
        syntheticFinding(1, { severity: 'low', category: 'resource', ruleId: 'resource.duration.high' }),
        syntheticFinding(2, { severity: 'critical', category: 'integrity', ruleId: 'integrity.dependency.digest_mismatch', repository: 'octo/payments-api', pipeline: 'github:octo/payments-api:ci.yml:build' }),
        syntheticFinding(3, { severity: 'medium', category: 'access', ruleId: 'access.egress.new_host', runId: 'r-special' }),
        syntheticFinding(4, { severity: 'high', category: 'access', ruleId: 'access.secret.new', repository: '' }),
      ],
    });
    const match = async (query: Omit<FindingsQuery, 'limit'>): Promise<string[]> => ids((await reader.list({ limit: 50, ...query })).findings).sort();
    assert.deepEqual(await match({ severities: ['low', 'critical'] }), ['f-0001', 'f-0002']);
    assert.deepEqual(await match({ minSeverity: 'high' }), ['f-0002', 'f-0004']);
    assert.deepEqual(await match({ severities: ['medium', 'high'], minSeverity: 'high' }), ['f-0004']);
    assert.deepEqual(await match({ categories: ['access'] }), ['f-0003', 'f-0004']);
    assert.deepEqual(await match({ rule: 'access.*' }), ['f-0003', 'f-0004']);
    assert.deepEqual(await match({ rule: 'resource.duration.high' }), ['f-0001']);
    assert.deepEqual(await match({ repository: 'octo/payments-*' }), ['f-0002']);
    assert.deepEqual(await match({ repository: 'octo/*' }), ['f-0001', 'f-0002', 'f-0003'], 'a finding without a repository matches no repository filter');
    assert.deepEqual(await match({ pipeline: 'github:octo/payments-api:ci.yml:build' }), ['f-0002']);
    assert.deepEqual(await match({ run: 'r-special' }), ['f-0003']);
    assert.deepEqual(await match({ since: syntheticFinding(2).detected_at, until: syntheticFinding(4).detected_at }), ['f-0002', 'f-0003'], 'since inclusive, until exclusive');
  });

  it('keeps only the newest maxFindings, forgets the ids it dropped, and ignores a repeated id', async () => {
    const reader = createInMemoryFindingsReader({ maxFindings: 3 });
    for (const n of [1, 2, 3, 4, 5, 5]) reader.add(syntheticFinding(n));
    assert.equal(reader.size(), 3);
    assert.deepEqual(ids((await reader.list({ limit: 10 })).findings), ['f-0005', 'f-0004', 'f-0003']);
    assert.equal(await reader.get('f-0001'), undefined);
    assert.equal((await reader.get('f-0004'))?.finding_id, 'f-0004');
  });

  it('summarises per pipeline: how many findings and the newest one', async () => {
    const reader = createInMemoryFindingsReader({
      findings: [syntheticFinding(3, { pipeline: 'a' }), syntheticFinding(1, { pipeline: 'a' }), syntheticFinding(2, { pipeline: 'b' })],
    });
    const summary = (await reader.byPipeline()).sort((x, y) => (x.pipelineId < y.pipelineId ? -1 : 1));
    assert.deepEqual(summary.map((entry) => [entry.pipelineId, entry.count, entry.latest.finding_id]), [['a', 2, 'f-0003'], ['b', 1, 'f-0002']]);
  });
});

describe('NDJSON findings reader', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pipewatch-console-findings-'));
    path = join(dir, 'findings.ndjson');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const line = (finding: Finding): string => `${JSON.stringify(finding)}\n`;

  it('reads nothing from a missing file, then picks up what the alerter appends between requests', async () => {
    const reader = createNdjsonFindingsReader({ path });
    assert.equal((await reader.list({ limit: 10 })).total, 0);
    await writeFile(path, line(syntheticFinding(1)) + line(syntheticFinding(2)));
    assert.deepEqual(ids((await reader.list({ limit: 10 })).findings), ['f-0002', 'f-0001']);
    await appendFile(path, line(syntheticFinding(3)));
    assert.deepEqual(ids((await reader.list({ limit: 10 })).findings), ['f-0003', 'f-0002', 'f-0001']);
    assert.equal((await reader.get('f-0003'))?.summary, 'finding number 3');
  });

  it('leaves a torn last line for later and skips lines that are not findings', async () => {
    const reader = createNdjsonFindingsReader({ path });
    const third = line(syntheticFinding(3));
    await writeFile(path, `${line(syntheticFinding(1))}not json\n{"schema":"something else"}\n${third.slice(0, 40)}`);
    assert.deepEqual(ids((await reader.list({ limit: 10 })).findings), ['f-0001']);
    await appendFile(path, third.slice(40));
    assert.deepEqual(ids((await reader.list({ limit: 10 })).findings), ['f-0003', 'f-0001']);
  });

  it('starts over when the file is replaced by another one', async () => {
    const reader = createNdjsonFindingsReader({ path });
    await writeFile(path, line(syntheticFinding(1)) + line(syntheticFinding(2)));
    assert.equal((await reader.list({ limit: 10 })).total, 2);
    await rm(path);
    await writeFile(path, line(syntheticFinding(7)));
    assert.deepEqual(ids((await reader.list({ limit: 10 })).findings), ['f-0007']);
  });

  it('answers concurrent requests with each finding once', async () => {
    const reader = createNdjsonFindingsReader({ path });
    await writeFile(path, Array.from({ length: 200 }, (_, n) => line(syntheticFinding(n))).join(''));
    const pages = await Promise.all(Array.from({ length: 5 }, () => reader.list({ limit: 500 })));
    for (const page of pages) assert.equal(page.findings.length, 200);
  });
});

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Finding } from '@pipewatch/shared';
import type { PipelineBaseline } from '@pipewatch/detector';
import { startConsoleHarness, type ConsoleHarness } from './helpers/console-harness.js';
import { EXFIL_HOST, LIBRARY, RELEASE } from './helpers/scenario.js';

interface FindingsAnswer {
  findings: Finding[];
  next_cursor: string | null;
  total: number;
  suppressed: Record<string, string>;
}

describe('console API (standalone app over a data dir)', () => {
  let harness: ConsoleHarness;
  before(async () => {
    harness = await startConsoleHarness();
  });
  after(() => harness.close());

  const json = async <T>(path: string): Promise<T> => {
    const response = await harness.get(path);
    assert.equal(response.status, 200, `${path}: ${response.status}`);
    return (await response.json()) as T;
  };

  it('GET /v1/findings lists what the detector found, newest first, with the total and no further page', async () => {
    const answer = await json<FindingsAnswer>('/v1/findings');
    assert.deepEqual(answer.findings.map((finding) => finding.rule.id).sort(), ['access.egress.new_host', 'resource.duration.high']);
    assert.equal(answer.total, 2);
    assert.equal(answer.next_cursor, null);
    assert.ok(answer.findings.every((finding) => finding.run.url === 'https://github.com/octo/app/actions/runs/9112'), 'each finding links its CI run');
  });

  it('GET /v1/findings filters (severity, category, repository, pipeline, time) and pages with next_cursor', async () => {
    const rules = async (query: string): Promise<string[]> => (await json<FindingsAnswer>(`/v1/findings?${query}`)).findings.map((finding) => finding.rule.id).sort();
    assert.deepEqual(await rules('min_severity=high'), ['resource.duration.high']);
    assert.deepEqual(await rules('severity=medium,low'), ['access.egress.new_host']);
    assert.deepEqual(await rules('category=access'), ['access.egress.new_host']);
    assert.deepEqual(await rules('repository=octo/*'), ['access.egress.new_host', 'resource.duration.high']);
    assert.deepEqual(await rules('repository=octo/lib'), []);
    assert.deepEqual(await rules(`pipeline=${encodeURIComponent(RELEASE)}&rule=${encodeURIComponent('resource.*')}`), ['resource.duration.high']);
    assert.deepEqual(await rules('since=2030-01-01T00:00:00Z'), []);
    assert.deepEqual(await rules('severity=&category='), ['access.egress.new_host', 'resource.duration.high'], 'empty parameters filter nothing');

    const first = await json<FindingsAnswer>('/v1/findings?limit=1');
    assert.equal(first.findings.length, 1);
    assert.ok(first.next_cursor);
    const second = await json<FindingsAnswer>(`/v1/findings?limit=1&cursor=${first.next_cursor}`);
    assert.equal(second.findings.length, 1);
    assert.equal(second.next_cursor, null);
    assert.notEqual(second.findings[0]!.finding_id, first.findings[0]!.finding_id);
  });

  it('GET /v1/findings answers 400 invalid_query with issue paths', async () => {
    for (const [query, path] of [
      ['severity=urgent', 'severity'],
      ['limit=0', 'limit'],
      ['since=yesterday', 'since'],
      ['cursor=bogus', 'cursor'],
      ['colour=red', '(root)'],
    ] as const) {
      const response = await harness.get(`/v1/findings?${query}`);
      assert.equal(response.status, 400, query);
      const body = (await response.json()) as { error: { code: string; issues: { path: string }[] } };
      assert.equal(body.error.code, 'invalid_query');
      assert.ok(body.error.issues.some((issue) => issue.path.startsWith(path)), `${query}: ${JSON.stringify(body.error.issues)}`);
    }
  });

  it('GET /v1/findings/:id returns the finding with its evidence; 404 for an unknown id', async () => {
    const [numeric] = harness.scenario.findings.filter((finding) => finding.rule.id === 'resource.duration.high');
    const answer = await json<{ finding: Finding; suppression: unknown }>(`/v1/findings/${numeric!.finding_id}`);
    assert.deepEqual(answer.finding, numeric);
    assert.equal(answer.suppression, null);
    const evidence = answer.finding.evidence as { series: string; observed: number; baseline: { band: number[] }; last_good_run: { run_id: string } };
    assert.equal(evidence.series, 'resources.duration_s');
    assert.equal(evidence.observed, 1260);
    assert.equal(evidence.last_good_run.run_id, '9111');
    const missing = await harness.get('/v1/findings/nope');
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error: { code: string } }).error.code, 'finding_not_found');
  });

  it('GET /v1/pipelines gives each pipeline its baseline status, runs seen and last finding', async () => {
    const answer = await json<{ pipelines: { id: string; status: string; runs: number; findings: number; last_finding: { rule_id: string } | null }[]; total: number; min_runs: number }>(
      '/v1/pipelines',
    );
    assert.equal(answer.total, 2);
    assert.equal(answer.min_runs, 10);
    const release = answer.pipelines.find((pipeline) => pipeline.id === RELEASE)!;
    assert.equal(release.status, 'stable');
    assert.equal(release.runs, 12, 'the run that raised a high finding was not learned');
    assert.equal(release.findings, 2);
    assert.ok(release.last_finding);
    const library = answer.pipelines.find((pipeline) => pipeline.id === LIBRARY)!;
    assert.deepEqual([library.status, library.runs, library.findings, library.last_finding], ['learning', 3, 0, null]);

    assert.deepEqual((await json<{ pipelines: { id: string }[] }>('/v1/pipelines?status=learning')).pipelines.map((pipeline) => pipeline.id), [LIBRARY]);
    assert.deepEqual((await json<{ pipelines: { id: string }[] }>('/v1/pipelines?q=OCTO/APP')).pipelines.map((pipeline) => pipeline.id), [RELEASE]);
  });

  it('GET /v1/pipelines/:id/baseline returns the learned values and seen-sets (id URL-encoded); 404 when unknown', async () => {
    const answer = await json<{ pipeline_id: string; status: string; baseline: PipelineBaseline }>(`/v1/pipelines/${encodeURIComponent(RELEASE)}/baseline`);
    assert.equal(answer.pipeline_id, RELEASE);
    assert.equal(answer.status, 'stable');
    assert.equal(answer.baseline.numeric['resources.duration_s']!.length, 12);
    assert.deepEqual(Object.keys(answer.baseline.seen.egress).sort(), ['github.com', 'objects.githubusercontent.com', 'registry.npmjs.org']);
    const [first, last, runs] = answer.baseline.seen.egress['github.com']!;
    // Seen-sets remember days: the twelve runs, 09:00 to 20:00 on 1 October, are one day.
    assert.deepEqual([first, last - first, runs], [Date.UTC(2026, 9, 1) / 1000, 0, 12]);
    assert.equal(answer.baseline.seen.egress[EXFIL_HOST], undefined);
    assert.equal((await harness.get(`/v1/pipelines/${encodeURIComponent('github:nobody/none')}/baseline`)).status, 404);
  });

  it('POST /v1/suppressions stores a suppression in the alerter\'s file store; the finding then shows it', async () => {
    const [access] = harness.scenario.findings.filter((finding) => finding.rule.id === 'access.egress.new_host');
    const response = await harness.post(
      '/v1/suppressions',
      JSON.stringify({ pipeline: RELEASE, rule: 'access.egress.new_host', subject: EXFIL_HOST, until: '7d', reason: 'new CDN for the release upload', author: 'ana' }),
      'application/json',
    );
    assert.equal(response.status, 201);
    const { suppression } = (await response.json()) as { suppression: { id: string; until: string } };
    assert.match(suppression.id, /^sup-/);
    assert.ok(Date.parse(suppression.until) > Date.now() + 6 * 86_400_000);
    const file = JSON.parse(await readFile(join(harness.dataDir, 'suppressions.json'), 'utf8')) as { suppressions: { id: string; author: string }[] };
    assert.deepEqual(file.suppressions.map((entry) => [entry.id, entry.author]), [[suppression.id, 'ana']]);

    const detail = await json<{ suppression: { id: string } | null }>(`/v1/findings/${access!.finding_id}`);
    assert.equal(detail.suppression?.id, suppression.id);
    const list = await json<FindingsAnswer>('/v1/findings');
    assert.deepEqual(list.suppressed, { [access!.finding_id]: suppression.id });
    const listed = await json<{ suppressions: { id: string; active: boolean }[] }>('/v1/suppressions');
    assert.deepEqual(listed.suppressions.map((entry) => [entry.id, entry.active]), [[suppression.id, true]]);
  });

  it('POST /v1/suppressions answers 400 with issue paths for a bad body, and 415 for a form', async () => {
    const post = (body: unknown) => harness.post('/v1/suppressions', JSON.stringify(body), 'application/json');
    const base = { pipeline: RELEASE, rule: 'x.y', until: '7d', reason: 'r', author: 'a' };
    for (const [body, path] of [
      [{ ...base, reason: ' ' }, 'reason'],
      [{ ...base, until: 'soon' }, 'until'],
      [{ ...base, until: '2020-01-01' }, 'until'],
      [{ ...base, extra: 1 }, '(root)'],
    ] as const) {
      const response = await post(body);
      assert.equal(response.status, 400, JSON.stringify(body));
      const answer = (await response.json()) as { error: { code: string; issues: { path: string }[] } };
      assert.equal(answer.error.code, 'invalid_suppression');
      assert.ok(answer.error.issues.some((issue) => issue.path === path), JSON.stringify(answer));
    }
    assert.equal((await harness.post('/v1/suppressions', '{not json', 'application/json')).status, 400);
    assert.equal((await harness.post('/v1/suppressions', 'pipeline=x', 'text/plain')).status, 415);
  });

  it('serves the page for every console path, its own scripts and uPlot from node_modules', async () => {
    for (const path of ['/ui', '/ui/', `/ui/findings/${harness.scenario.findings[0]!.finding_id}`, '/ui/pipelines', `/ui/pipelines/${encodeURIComponent(RELEASE)}`]) {
      const response = await harness.get(path);
      assert.equal(response.status, 200, path);
      assert.match(response.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(response.headers.get('content-security-policy') ?? '', /script-src 'self'/);
      assert.match(await response.text(), /<script type="module" src="\/ui\/assets\/app\.js">/);
    }
    const app = await harness.get('/ui/assets/app.js');
    assert.equal(app.status, 200);
    assert.match(app.headers.get('content-type') ?? '', /^text\/javascript/);
    const uplot = await harness.get('/ui/vendor/uPlot.iife.min.js');
    assert.equal(uplot.status, 200);
    assert.match(await uplot.text(), /uPlot/);
    assert.equal((await harness.get('/ui/vendor/uPlot.min.css')).status, 200);
    assert.equal((await harness.get('/ui/assets/nope.js')).status, 404);
    assert.equal((await harness.get('/ui/assets/..%2Fsrc%2Findex.ts')).status, 404);
    assert.equal((await harness.get('/ui/vendor/package.json')).status, 404);
  });
});

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '@pipewatch/shared';
import { EXFIL_HOST, LIBRARY, RELEASE, releaseRun, scenarioEvents } from '../../services/console/test/helpers/scenario.js';
import { ensureChromium, launchChromium, type Browser } from '../helpers/chromium.js';
import { spawnPipewatch, type RunningChild } from '../helpers/spawn-pipewatch.js';
import { waitFor } from '../helpers/wait-for.js';

const TOKEN = 'console-e2e-token-0123456789abcdef';
const SHOTS = 'console';

interface Canvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray } } | null;
}

interface PlotData {
  series: string[];
  data: (number | null)[][];
  highlightIndex: number;
  band: [number, number];
  bands: { series: number[] }[];
  canvas: boolean;
}

/**
 * Pixels of the plot's (transparent) canvas close to a colour with an alpha in a
 * range: proof the band and the point were drawn, not just configured.
 */
function countPixels(browser: Browser, rgb: [number, number, number], tolerance: number, alpha: [number, number]): Promise<number> {
  return browser.page.evaluate(
    ([[r, g, b], tol, [minAlpha, maxAlpha]]) => {
      // Runs in the page; the test tsconfig has no DOM types, hence the shapes spelled out.
      const page = globalThis as unknown as { document: { querySelector(selector: string): Canvas | null } };
      const canvas = page.document.querySelector('#metric-plot canvas');
      const context = canvas?.getContext('2d');
      if (!canvas || !context) return -1;
      const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i]! - r) <= tol && Math.abs(data[i + 1]! - g) <= tol && Math.abs(data[i + 2]! - b) <= tol && data[i + 3]! >= minAlpha && data[i + 3]! <= maxAlpha) count++;
      }
      return count;
    },
    [rgb, tolerance, alpha] as const,
  );
}

/** Runs in the page (serialised, hence self-contained); the test tsconfig has no DOM types. */
function hasRows([selector, count]: readonly [string, number]): boolean {
  return (globalThis as unknown as { document: { querySelectorAll(selector: string): { length: number } } }).document.querySelectorAll(selector).length === count;
}

describe('the console in headless Chromium (pipewatch start, child process)', function () {
  this.timeout(120_000);
  let dataDir: string;
  let pipewatch: RunningChild;
  let browser: Browser;

  const post = async (events: RunEvent[]): Promise<void> => {
    const response = await fetch(`${pipewatch.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${TOKEN}` },
      body: events.map((event) => JSON.stringify(event)).join('\n'),
    });
    assert.equal(response.status, 202, await response.text());
  };
  const findingsTotal = async (): Promise<number> => {
    const response = await fetch(`${pipewatch.url}/v1/findings`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return ((await response.json()) as { total: number }).total;
  };
  const rowRules = (): Promise<string[]> => browser.page.$$eval('#findings-body tr', (rows) => rows.map((row) => row.querySelector('td:nth-child(3) .muted')?.textContent ?? ''));

  before(async function () {
    this.timeout(900_000); // a first `apt-get install chromium` takes minutes
    await ensureChromium();
    dataDir = await mkdtemp(join(tmpdir(), 'pipewatch-console-e2e-'));
    pipewatch = await spawnPipewatch(['start'], { PIPEWATCH_DATA_DIR: dataDir, PIPEWATCH_INGEST_TOKENS: TOKEN, PIPEWATCH_HOST: '127.0.0.1' });
    // Twelve ordinary release runs, three of a young pipeline, then a release run 4× slower that reaches a new host.
    await post(scenarioEvents());
    await waitFor(async () => (await findingsTotal()) === 2, 'the duration and egress findings');
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await pipewatch?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('signs in with ?token= once and lists the findings newest first, each with its summary and CI run link', async () => {
    const { page } = browser;
    await page.goto(`${pipewatch.url}/ui?token=${TOKEN}`);
    await page.waitForSelector('#findings-body tr');
    assert.equal(new URL(page.url()).search, '', 'the token is dropped from the address bar');
    const cookie = (await browser.context.cookies()).find((entry) => entry.name === 'pipewatch_token');
    assert.ok(cookie?.httpOnly && cookie.sameSite === 'Strict', 'an HttpOnly, SameSite=Strict session cookie');
    assert.deepEqual((await rowRules()).sort(), ['access.egress.new_host', 'resource.duration.high']);
    const summaries = await page.$$eval('#findings-body td.summary', (cells) => cells.map((cell) => cell.textContent ?? ''));
    assert.ok(summaries.some((text) => text.startsWith('Job duration was 21 min')), summaries.join(' | '));
    assert.ok(summaries.some((text) => text.includes(EXFIL_HOST)));
    const runLinks = await page.$$eval('#findings-body a.run-link', (links) => links.map((link) => (link as { href: string }).href));
    assert.deepEqual(runLinks, ['https://github.com/octo/app/actions/runs/9112', 'https://github.com/octo/app/actions/runs/9112']);
    assert.equal(await page.textContent('#findings-count'), '2 findings');
    await browser.screenshot(SHOTS, 'findings-list');
  });

  it('shows a finding raised after the page loaded, without a reload', async () => {
    const { page } = browser;
    await post([{ ...releaseRun(13), access: { ...releaseRun(13).access, secrets: ['NPM_TOKEN', 'AWS_SECRET_ACCESS_KEY'] } }]);
    await page.waitForSelector('#findings-body tr.new', { timeout: 20_000 });
    assert.equal((await rowRules())[0], 'access.secret.new', 'the new finding is on top');
    assert.equal(await page.textContent('#findings-count'), '3 findings');
  });

  it('filters by severity', async () => {
    const { page } = browser;
    await page.selectOption('select[name="min_severity"]', 'high');
    await page.waitForFunction(hasRows, ['#findings-body tr', 1] as const);
    assert.deepEqual(await rowRules(), ['resource.duration.high']);
    assert.deepEqual(await page.$$eval('#findings-body tr', (rows) => rows.map((row) => (row as { dataset: Record<string, string> }).dataset.severity)), ['high']);
    assert.equal(new URL(page.url()).searchParams.get('min_severity'), 'high', 'the filter is in the URL');
    await browser.screenshot(SHOTS, 'findings-filtered-high');
    await page.selectOption('select[name="min_severity"]', '');
    await page.waitForFunction(hasRows, ['#findings-body tr', 3] as const);
  });

  it('opens the numeric finding: the metric over recent runs, the baseline band, this run highlighted, the last good run', async () => {
    const { page } = browser;
    await page.click('#findings-body tr[data-severity="high"] td.summary a');
    await page.waitForSelector('#metric-plot canvas');
    const plot = (await page.evaluate('window.__pipewatchPlot')) as PlotData;
    assert.ok(plot.canvas);
    assert.deepEqual(plot.series, ['position', 'duration_s', 'median', 'band low', 'band high', 'this run']);
    assert.deepEqual(plot.bands.map((band) => band.series), [[4, 3]], 'the band is filled between band high and band low');

    const baseline = (await (await fetch(`${pipewatch.url}/v1/pipelines/${encodeURIComponent(RELEASE)}/baseline`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      baseline: { numeric: Record<string, number[]> };
    };
    const learned = baseline.baseline.numeric['resources.duration_s']!;
    assert.ok(learned.length >= 12);
    assert.equal(plot.highlightIndex, learned.length, 'this run is drawn after the learned values');
    assert.deepEqual(plot.data[1]!.slice(0, learned.length), learned);
    assert.equal(plot.data[5]![plot.highlightIndex], 1260, 'the highlighted point is the observed duration');
    assert.equal(plot.data[5]!.filter((value) => value !== null).length, 1, 'only this run is highlighted');
    assert.ok(plot.data[3]!.every((value) => value === plot.band[0]) && plot.data[4]!.every((value) => value === plot.band[1]));
    assert.ok(plot.band[0] < 310 && plot.band[1] > 310 && plot.band[1] < 1260, `band ${plot.band}`);

    assert.ok((await countPixels(browser, [220, 38, 38], 12, [200, 255])) > 40, 'the red point of this run is drawn');
    // The band's fill, rgba(22, 163, 74, 0.14), over a large area.
    assert.ok((await countPixels(browser, [22, 163, 74], 8, [20, 60])) > 5000, 'the green band is drawn');
    const lastGood = (await page.locator('section:has(#last-good-diff)').textContent()) ?? '';
    assert.match(lastGood, /Last good run 9111/);
    assert.match(lastGood, /\+15\.8 min \(4×\)/, 'the change from the last good run');
    assert.match((await page.textContent('#finding-summary')) ?? '', /^Job duration was 21 min/);
    await browser.screenshot(SHOTS, 'finding-numeric');
  });

  it('opens the access finding: the first-seen table of hosts, the new host marked, and suppresses it', async () => {
    const { page } = browser;
    await page.click('a.back');
    await page.waitForSelector('#findings-body tr');
    await page.click('#findings-body tr:has(td:nth-child(3) .muted:text-is("access.egress.new_host")) td.summary a');
    await page.waitForSelector('#first-seen');
    const rows = await page.$$eval('#first-seen tbody tr', (elements) =>
      elements.map((row) => ({ value: (row as { dataset: Record<string, string> }).dataset.value, subject: row.classList.contains('subject'), cells: [...row.querySelectorAll('td')].map((cell) => cell.textContent ?? '') })),
    );
    assert.equal(rows[0]!.value, EXFIL_HOST);
    assert.ok(rows[0]!.subject);
    assert.match(rows[0]!.cells[1]!, /not in the baseline/);
    const known = Object.fromEntries(rows.slice(1).map((row) => [row.value, row.cells[3]]));
    assert.deepEqual(known, { 'github.com': '13', 'registry.npmjs.org': '13', 'objects.githubusercontent.com': '4' }, 'runs seen in, run 13 learned too');
    assert.match(rows.find((row) => row.value === 'github.com')!.cells[1]!, /^2026-10-01 /);

    await page.click('#suppress-button');
    await page.fill('#suppress-form input[name="reason"]', 'new CDN for release uploads');
    await page.fill('#suppress-form input[name="author"]', 'ana');
    await page.click('#suppress-form button[type="submit"]');
    await page.waitForSelector('#suppressed-note');
    assert.match((await page.textContent('#suppressed-note')) ?? '', /by ana: new CDN for release uploads/);
    const stored = JSON.parse(await readFile(join(dataDir, 'suppressions.json'), 'utf8')) as { suppressions: { rule: string; subject: string; pipeline: string }[] };
    assert.deepEqual(stored.suppressions.map((entry) => [entry.pipeline, entry.rule, entry.subject]), [[RELEASE, 'access.egress.new_host', EXFIL_HOST]]);
    await browser.screenshot(SHOTS, 'finding-access');
  });

  it('shows each pipeline\'s baseline: stable or learning, runs seen, last finding', async () => {
    const { page } = browser;
    await page.click('a[data-nav="pipelines"]');
    await page.waitForSelector('#pipelines-body tr');
    const rows = await page.$$eval('#pipelines-body tr', (elements) =>
      elements.map((row) => ({ id: (row as { dataset: Record<string, string> }).dataset.id, cells: [...row.querySelectorAll('td')].map((cell) => cell.textContent?.trim() ?? '') })),
    );
    const release = rows.find((row) => row.id === RELEASE)!;
    const library = rows.find((row) => row.id === LIBRARY)!;
    assert.deepEqual([release.cells[1], release.cells[2], release.cells[4]], ['stable', '13', '3']);
    assert.match(release.cells[5]!, /Secret used for the first time/);
    assert.deepEqual([library.cells[1], library.cells[2], library.cells[4], library.cells[5]], ['learning 3/10', '3', '0', 'none']);
    await browser.screenshot(SHOTS, 'pipelines');
  });

  it('asks a browser without the cookie for a token with a login form', async () => {
    const { page } = browser;
    await browser.context.clearCookies();
    await page.goto(`${pipewatch.url}/ui/pipelines`);
    await page.waitForSelector('form[action="/ui/login"]');
    await browser.screenshot(SHOTS, 'login');
    await page.fill('input[name="token"]', TOKEN);
    await page.click('button[type="submit"]');
    await page.waitForSelector('#pipelines-body tr');
    assert.equal(new URL(page.url()).pathname, '/ui/pipelines');
  });
});

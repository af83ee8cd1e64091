import assert from 'node:assert/strict';
import { startConsoleHarness, type ConsoleHarness } from './helpers/console-harness.js';

const TOKEN = 'console-test-token-0123456789';
const OTHER = 'second-configured-token-abcdef';

/** The `name=value` part of a Set-Cookie header, to send back as a Cookie. */
function cookieFrom(response: Response): string {
  const header = response.headers.get('set-cookie');
  assert.ok(header, 'a Set-Cookie header');
  return header.split(';')[0]!;
}

for (const shape of ['standalone', 'collector'] as const) {
  describe(`console auth with tokens configured (${shape === 'collector' ? 'served by the collector, as in pipewatch start' : 'pipewatch console'})`, () => {
    let harness: ConsoleHarness;
    before(async () => {
      harness = await startConsoleHarness({ tokens: [TOKEN, OTHER], shape });
    });
    after(() => harness.close());

    it('answers the API 401 without a token and 200 with a bearer token', async () => {
      for (const path of ['/v1/findings', '/v1/pipelines', `/v1/findings/${harness.scenario.findings[0]!.finding_id}`, '/ui/session']) {
        const response = await harness.get(path);
        assert.equal(response.status, 401, path);
        assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'missing_token');
      }
      assert.equal((await harness.get('/v1/findings', { authorization: 'Bearer wrong' })).status, 401);
      assert.equal((await harness.get('/v1/findings', { authorization: `Bearer ${OTHER}` })).status, 200);
      assert.equal((await harness.post('/v1/suppressions', '{}', 'application/json')).status, 401, 'the suppression API too');
    });

    it('answers a page without a session with a 401 login form, not the console', async () => {
      const response = await harness.get('/ui/findings/abc?x=1');
      assert.equal(response.status, 401);
      const html = await response.text();
      assert.match(html, /<form method="post" action="\/ui\/login">/);
      assert.match(html, /name="next" value="\/ui\/findings\/abc\?x=1"/);
      assert.doesNotMatch(html, /app\.js/);
    });

    it('turns ?token= into an HttpOnly SameSite=Strict cookie, drops it from the URL, and the cookie then opens pages and the API', async () => {
      const response = await harness.get(`/ui/pipelines?token=${TOKEN}&q=octo`);
      assert.equal(response.status, 303);
      assert.equal(response.headers.get('location'), '/ui/pipelines?q=octo');
      const header = response.headers.get('set-cookie') ?? '';
      assert.match(header, /^pipewatch_token=[^;]+; Path=\/; HttpOnly; SameSite=Strict$/);
      const cookie = cookieFrom(response);

      const page = await harness.get('/ui/pipelines?q=octo', { cookie });
      assert.equal(page.status, 200);
      assert.match(await page.text(), /app\.js/);
      assert.equal((await harness.get('/v1/findings', { cookie })).status, 200);
      assert.equal((await harness.get('/ui/session', { cookie })).status, 200);
      assert.equal((await harness.get('/v1/findings', { cookie: `other=1; ${cookie}; more=2` })).status, 200, 'among other cookies');
      assert.equal((await harness.get('/v1/findings', { cookie: 'pipewatch_token=forged' })).status, 401);
    });

    it('refuses a wrong ?token= with the login form and sets no cookie', async () => {
      const response = await harness.get('/ui?token=not-a-token');
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('set-cookie'), null);
      assert.match(await response.text(), /not one of the configured tokens/);
    });

    it('signs in through the login form, only ever redirecting into the console, and signs out', async () => {
      const good = await harness.post('/ui/login', new URLSearchParams({ token: TOKEN, next: '/ui/findings/x' }).toString(), 'application/x-www-form-urlencoded');
      assert.equal(good.status, 303);
      assert.equal(good.headers.get('location'), '/ui/findings/x');
      assert.equal((await harness.get('/v1/pipelines', { cookie: cookieFrom(good) })).status, 200);

      const offsite = await harness.post('/ui/login', new URLSearchParams({ token: TOKEN, next: 'https://evil.example/' }).toString(), 'application/x-www-form-urlencoded');
      assert.equal(offsite.headers.get('location'), '/ui');
      const protocolRelative = await harness.get(`/ui/login?token=${TOKEN}&next=${encodeURIComponent('//evil.example/ui')}`);
      assert.equal(protocolRelative.headers.get('location'), '/ui');

      const bad = await harness.post('/ui/login', new URLSearchParams({ token: 'guess', next: '/ui' }).toString(), 'application/x-www-form-urlencoded');
      assert.equal(bad.status, 401);
      assert.equal(bad.headers.get('set-cookie'), null);

      const out = await harness.get('/ui/logout', { cookie: cookieFrom(good) });
      assert.equal(out.status, 303);
      assert.match(out.headers.get('set-cookie') ?? '', /^pipewatch_token=; .*Max-Age=0/);
    });

    it('serves static code (the console\'s scripts and uPlot) without a token', async () => {
      assert.equal((await harness.get('/ui/assets/app.js')).status, 200);
      assert.equal((await harness.get('/ui/assets/login.js')).status, 200);
      assert.equal((await harness.get('/ui/vendor/uPlot.iife.min.js')).status, 200);
    });
  });
}

describe('console without tokens', () => {
  let harness: ConsoleHarness;
  before(async () => {
    harness = await startConsoleHarness({ shape: 'collector' });
  });
  after(() => harness.close());

  it('serves pages and the API directly and says no sign-in is needed', async () => {
    assert.equal((await harness.get('/ui')).status, 200);
    assert.equal((await harness.get('/v1/findings')).status, 200);
    assert.deepEqual(await (await harness.get('/ui/session')).json(), { auth_required: false });
    assert.equal((await harness.get('/ui/login')).status, 303);
  });
});

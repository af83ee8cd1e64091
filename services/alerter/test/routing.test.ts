import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError, type Finding } from '@pipewatch/shared';
import { buildDestinations, createRouter, globMatches, parseRoutes } from '../src/index.js';
import { startReceiver, type Receiver } from './helpers/http-receiver.js';
import { startNotifier } from './helpers/notifier-harness.js';
import { recordingLogger } from './helpers/recording-logger.js';
import { runFindings } from './helpers/run-findings.js';
import { makeTempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

function routesYaml(slack: string, pager: string, team: string): string {
  return `
destinations:
  security-slack: { kind: slack, url: "${slack}/services/T1/B1/secret" }
  pager: { kind: webhook, url: "${pager}/pager", secret: "pager-secret-0123456789", body: run }
  payments-team: { kind: webhook, url_env: TEAM_HOOK_URL }
routes:
  - name: critical to people
    min_severity: critical
    to: [security-slack, pager]
  - name: payments repositories
    repositories: "octo/payments-*"
    min_severity: medium
    to: [payments-team]
default:
  min_severity: high
  to: [security-slack]
`;
}

function finding(runId: string, severity: Finding['severity'], repository: string, ruleId = 'resource.duration.high'): Finding {
  return runFindings(runId, {
    finding_id: `${runId}-${severity}-${repository}`,
    severity,
    rule: { id: ruleId, name: 'A rule', category: ruleId.startsWith('access') ? 'access' : 'resource' },
    pipeline: { id: `github:${repository}:.github/workflows/ci.yml:build`, repository },
  })[0]!;
}

describe('routing', () => {
  it('matches severity, category, rule, repository and pipeline patterns; the default only when no route matched', () => {
    const router = createRouter(parseRoutes(routesYaml('http://127.0.0.1:1', 'http://127.0.0.1:2', 'http://127.0.0.1:3')));
    assert.deepEqual(router(finding('a', 'critical', 'octo/app')), ['security-slack', 'pager']);
    assert.deepEqual(router(finding('b', 'low', 'octo/app')), [], 'low goes nowhere');
    assert.deepEqual(router(finding('c', 'high', 'octo/app')), ['security-slack'], 'no route matched: the default');
    assert.deepEqual(router(finding('d', 'medium', 'octo/payments-api')), ['payments-team']);
    assert.deepEqual(router(finding('e', 'critical', 'octo/payments-api')), ['security-slack', 'pager', 'payments-team']);

    const byRule = createRouter(
      parseRoutes(`
destinations: { d: { kind: webhook, url: "http://127.0.0.1:9/x" } }
routes: [{ rules: "access.egress.*", categories: [access], pipelines: "github:octo/*", to: [d] }]
`),
    );
    assert.deepEqual(byRule(finding('f', 'low', 'octo/app', 'access.egress.new_host')), ['d']);
    assert.deepEqual(byRule(finding('g', 'low', 'octo/app', 'access.secret.new')), []);
    assert.equal(globMatches('github:octo/*:build', 'github:octo/app:.github/workflows/ci.yml:build'), true);
    assert.equal(globMatches('octo/app', 'octo/app2'), false, 'patterns are anchored');
    assert.equal(globMatches('a.b', 'aXb'), false, 'dots are literal');
  });

  it('reports every problem of a routes file at once, by path', () => {
    assert.throws(
      () =>
        parseRoutes(`
destinations:
  Bad Name: { kind: webhook, url: "http://x.example/" }
  slack: { kind: slack, url: "ftp://x.example/" }
  hook: { kind: webhook, url: "https://x.example/", body: sometimes }
routes:
  - { min_severity: urgent, to: [nowhere] }
`),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const text = error.problems.join('\n');
        for (const expected of ['destinations.Bad Name', 'destinations.slack', 'destinations.hook.body', 'routes.0.min_severity']) {
          assert.ok(text.includes(expected), `mentions ${expected}:\n${text}`);
        }
        return true;
      },
    );
    assert.throws(() => parseRoutes('destinations: {}\nroutes: [{ to: [ghost] }]'), /routes\.0\.to\.0: unknown destination "ghost"/);
    assert.throws(() => buildDestinations(parseRoutes('destinations: { t: { kind: webhook, url_env: MISSING_URL } }'), { timeoutMs: 1, retries: 0, minDelayMs: 1, maxDelayMs: 1 }, {}), /MISSING_URL is not set/);
    // JSON is YAML too.
    assert.deepEqual(Object.keys(parseRoutes('{"destinations": {"a": {"kind": "slack", "url": "https://hooks.slack.com/services/x"}}}').destinations), ['a']);
  });

  it('sends each finding where the routes say: critical to Slack and the pager, low nowhere, a repository pattern to its team', async function () {
    this.timeout(10_000);
    const receivers: Receiver[] = await Promise.all([startReceiver(), startReceiver(), startReceiver()]);
    const [slack, pager, team] = receivers as [Receiver, Receiver, Receiver];
    const dir = await makeTempDir();
    const { notifier } = await startNotifier({
      dir: dir.path,
      logger: recordingLogger(),
      windowMs: 100,
      retries: 2,
      routes: routesYaml(slack.origin, pager.origin, team.origin),
      env: { TEAM_HOOK_URL: `${team.origin}/team` },
    });
    try {
      const critical = finding('r1', 'critical', 'octo/app');
      const low = finding('r2', 'low', 'octo/app');
      const payments = finding('r3', 'medium', 'octo/payments-api');
      for (const item of [critical, low, payments]) await notifier.accept(item);
      await waitFor('the routed notifications', () => slack.requests.length === 1 && pager.requests.length === 1 && team.requests.length === 1);
      await sleep(400);
      assert.equal(slack.requests.length, 1);
      assert.ok(slack.requests[0]!.body.includes(`/ui/findings/${encodeURIComponent(critical.finding_id)}`), 'Slack got the critical finding');
      assert.deepEqual((JSON.parse(pager.requests[0]!.body) as { findings: Finding[] }).findings.map((f) => f.finding_id), [critical.finding_id]);
      assert.equal(JSON.parse(team.requests[0]!.body).finding_id, payments.finding_id);
      assert.equal(team.requests[0]!.path, '/team');
      const everything = receivers.flatMap((r) => r.requests.map((request) => request.body)).join('\n');
      assert.ok(!everything.includes(low.finding_id), 'the low finding went nowhere');
    } finally {
      await notifier.close();
      await Promise.all(receivers.map((r) => r.close()));
      await dir.remove();
    }
  });
});

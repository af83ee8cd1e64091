import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DEFAULT_SETTINGS, detectRun, type PipelineBaseline } from '@pipewatch/detector';
import type { RunEvent } from '@pipewatch/shared';
import { elasticsearchUrl, kafkaBrokers } from '../helpers/servers.js';
import { spawnPipewatch, type RunningChild } from '../helpers/spawn-pipewatch.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';

const PIPELINES = ['svc-a', 'svc-b', 'svc-c', 'svc-d'].map((name) => `github:octo/${name}:.github/workflows/ci.yml:build`);

function run(pipeline: string, i: number, durationS: number): RunEvent {
  return {
    schema: 'pipewatch.run/v1',
    event_id: `${pipeline}#${i}`,
    source: 'generic',
    occurred_at: new Date(Date.UTC(2026, 10, 1) + i * 600_000).toISOString(),
    pipeline: { id: pipeline },
    run: { id: `r${i}`, status: 'success', trigger: 'push' },
    resources: { duration_s: durationS, cpu_s: 40 + (i % 3) },
  };
}

/** Runs i..j of every pipeline; run k is an anomaly when `anomalies` has it. */
function runs(from: number, to: number, anomalies: number[]): RunEvent[] {
  const out: RunEvent[] = [];
  for (let i = from; i < to; i++) {
    for (const pipeline of PIPELINES) out.push(run(pipeline, i, anomalies.includes(i) ? 1800 + i : 100 + (i % 5) * 2));
  }
  return out;
}

/** The oracle: the same detector code, in-process, over the same stream. */
function expectedFindingIds(events: RunEvent[]): Set<string> {
  const baselines = new Map<string, PipelineBaseline>();
  const ids = new Set<string>();
  for (const event of events) {
    const detection = detectRun(baselines.get(event.pipeline.id), event, DEFAULT_SETTINGS, event.occurred_at);
    baselines.set(event.pipeline.id, detection.baseline);
    for (const finding of detection.findings) ids.add(finding.finding_id);
  }
  return ids;
}

async function post(url: string, events: RunEvent[]): Promise<void> {
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: events.map((event) => JSON.stringify(event)).join('\n'),
  });
  assert.equal(response.status, 202, await response.text());
}

async function findingIdsInElasticsearch(esUrl: string, indexPattern: string): Promise<string[]> {
  await fetch(`${esUrl}/${indexPattern}/_refresh?ignore_unavailable=true&allow_no_indices=true`, { method: 'POST' });
  const response = await fetch(`${esUrl}/${indexPattern}/_search?ignore_unavailable=true&allow_no_indices=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ size: 1000, _source: false, query: { term: { 'event.kind': 'alert' } } }),
  });
  const body = (await response.json()) as { hits?: { hits: { _id: string }[] } };
  return (body.hits?.hits ?? []).map((hit) => hit._id);
}

describe('distributed mode across processes @integration', function () {
  this.timeout(300_000);
  const id = randomUUID().slice(0, 8);
  const indexPrefix = `pwe2e-${id}-findings`;
  let env: Record<string, string>;
  let receiver: WebhookReceiver;
  let esUrl: string;
  const children: RunningChild[] = [];

  const start = async (role: 'collector' | 'detector' | 'alerter'): Promise<RunningChild> => {
    const child = await spawnPipewatch([role], env, `${role} started`, 90_000);
    children.push(child);
    return child;
  };

  before(async () => {
    const [brokers, url] = await Promise.all([kafkaBrokers(), elasticsearchUrl()]);
    esUrl = url;
    receiver = await startWebhookReceiver();
    env = {
      KAFKA_BROKERS: brokers.join(','),
      ELASTICSEARCH_URL: esUrl,
      PIPEWATCH_TOPIC_PREFIX: `pwe2e.${id}.`,
      PIPEWATCH_KAFKA_PARTITIONS: '3',
      PIPEWATCH_DETECTOR_GROUP: `pwe2e-${id}-detector`,
      PIPEWATCH_ALERTER_GROUP: `pwe2e-${id}-alerter`,
      PIPEWATCH_ES_INDEX_PREFIX: indexPrefix,
      PIPEWATCH_WEBHOOK_URL: receiver.url,
      PIPEWATCH_ALLOW_PRIVATE_DESTINATIONS: 'loopback',
    };
  });

  after(async () => {
    await Promise.all(children.map((child) => child.stop('SIGKILL')));
    await receiver?.close();
  });

  it('carries runs from HTTP through Kafka to Elasticsearch and a webhook; detectors share partitions, and baselines follow them through a SIGKILL', async () => {
    const alerter = await start('alerter');
    let detector = await start('detector');
    const collector = await start('collector');

    // Phase 1: twelve ordinary runs per pipeline, then one anomaly each.
    const phase1 = runs(0, 13, [12]);
    await post(collector.url, phase1);
    const firstIds = expectedFindingIds(phase1);
    assert.equal(firstIds.size, PIPELINES.length);
    await waitFor(async () => (await findingIdsInElasticsearch(esUrl, `${indexPrefix}-*`)).length >= firstIds.size, 'phase 1 findings in Elasticsearch', 120_000);

    // Phase 2: a second detector joins the group and takes over some partitions, with
    // their baselines; then the first one is SIGKILLed part-way through and restarted.
    const second = await start('detector');
    const phase2 = runs(13, 25, [16, 22]);
    await post(collector.url, phase2.slice(0, 12));
    await detector.stop('SIGKILL');
    await post(collector.url, phase2.slice(12));
    detector = await start('detector');

    const expected = expectedFindingIds([...phase1, ...phase2]);
    assert.equal(expected.size, PIPELINES.length * 3);
    await waitFor(async () => (await findingIdsInElasticsearch(esUrl, `${indexPrefix}-*`)).length >= expected.size, 'all findings in Elasticsearch', 180_000);
    await waitFor(() => new Set(receiver.received.map((request) => request.headers['x-pipewatch-finding-id'])).size >= expected.size, 'all webhooks', 60_000);
    // Let any late duplicate arrive before judging "exactly once".
    await new Promise((resolve) => setTimeout(resolve, 2_000));

    const stored = await findingIdsInElasticsearch(esUrl, `${indexPrefix}-*`);
    assert.deepEqual([...stored].sort(), [...expected].sort(), 'every expected finding, once, and nothing else');
    const delivered = receiver.received.map((request) => String(request.headers['x-pipewatch-finding-id']));
    assert.deepEqual([...delivered].sort(), [...expected].sort(), 'one webhook per finding');
    const restored = (child: RunningChild) =>
      child.logs.some((record) => record.message === 'baselines restored' && Number(record.pipelines) > 0);
    assert.ok(restored(second), 'the joining detector loaded the baselines of the partitions it took over');
    assert.ok(
      [detector, second].every((child) => child.logs.some((record) => record.message === 'baselines restored')),
      'both detectors were given partitions',
    );
    void alerter;
  });
});

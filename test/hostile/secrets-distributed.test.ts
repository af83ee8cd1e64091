import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { elasticsearchUrl, kafkaBrokers } from '../helpers/servers.js';
import { spawnPipewatch, type RunningChild } from '../helpers/spawn-pipewatch.js';
import { waitFor } from '../helpers/wait-for.js';
import { startWebhookReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.js';
import { dumpIndices } from './helpers/elasticsearch-dump.js';
import { dumpTopics } from './helpers/kafka-dump.js';
import { checkLeaks, receiverText, sendPlanned } from './secrets/leak-check.js';
import { secretTraffic } from './secrets/secret-traffic.js';

const TOKEN = `ingest-${randomBytes(12).toString('hex')}`;
const GITHUB_SECRET = `github-${randomBytes(12).toString('hex')}`;
const GITLAB_TOKEN = `gitlab-${randomBytes(12).toString('hex')}`;

describe('planted secrets through distributed mode: collector, detector, alerter over real Kafka and Elasticsearch @integration', function () {
  this.timeout(300_000);
  const id = randomBytes(4).toString('hex');
  const topicPrefix = `pwleak.${id}.`;
  const indexBase = `pwleak-${id}-`;
  const traffic = secretTraffic(id, { githubSecret: GITHUB_SECRET });
  let brokers: string[];
  let esUrl: string;
  let webhook: WebhookReceiver;
  let slack: WebhookReceiver;
  const children: Record<string, RunningChild> = {};

  before(async function () {
    this.timeout(200_000);
    [brokers, esUrl] = await Promise.all([kafkaBrokers(), elasticsearchUrl()]);
    [webhook, slack] = await Promise.all([startWebhookReceiver(), startWebhookReceiver()]);
  });
  after(async () => {
    await Promise.all(Object.values(children).map((child) => child.stop('SIGKILL')));
    await Promise.all([webhook?.close(), slack?.close()]);
  });

  it('no planted secret reaches any Kafka message (values, keys, headers), any Elasticsearch document, any service log or any notification', async () => {
    const env: Record<string, string> = {
      KAFKA_BROKERS: brokers.join(','),
      ELASTICSEARCH_URL: esUrl,
      PIPEWATCH_TOPIC_PREFIX: topicPrefix,
      PIPEWATCH_KAFKA_PARTITIONS: '3',
      PIPEWATCH_DETECTOR_GROUP: `pwleak-${id}-detector`,
      PIPEWATCH_ALERTER_GROUP: `pwleak-${id}-alerter`,
      PIPEWATCH_ES_INDEX_PREFIX: `${indexBase}findings`,
      PIPEWATCH_LOG_LEVEL: 'debug',
      PIPEWATCH_HOST: '127.0.0.1',
      PIPEWATCH_INGEST_TOKENS: TOKEN,
      PIPEWATCH_GITHUB_WEBHOOK_SECRET: GITHUB_SECRET,
      PIPEWATCH_GITLAB_WEBHOOK_TOKEN: GITLAB_TOKEN,
      PIPEWATCH_SECRET_NAMES: traffic.knownSecretName,
      [traffic.knownSecretName]: traffic.knownSecretValue,
      PIPEWATCH_WEBHOOK_URL: webhook.url,
      PIPEWATCH_SLACK_WEBHOOK_URL: slack.url.replace(/\/hook$/, `/services/T0/B0/${randomBytes(8).toString('hex')}`),
      PIPEWATCH_ALLOW_PRIVATE_DESTINATIONS: 'loopback',
      PIPEWATCH_GROUP_WINDOW_MS: '300',
    };
    for (const role of ['alerter', 'detector', 'collector'] as const) children[role] = await spawnPipewatch([role], env, `${role} started`, 120_000);
    const answers = await sendPlanned(children.collector!.url, traffic.requests, { token: TOKEN, gitlabToken: GITLAB_TOKEN });

    const wanted = ['log.encoded_secret', 'context.untrusted_code.secrets', 'access.egress.new_host', 'log.pipe_to_shell'];
    let rules: string[] = [];
    await waitFor(
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        try {
          const indices = await dumpIndices(esUrl, `${indexBase}findings`);
          rules = [...indices.values()].flat().map((hit) => (hit as { _source: { rule: { id: string } } })._source.rule.id);
        } catch {
          return false; // an index still initialising its shards
        }
        return wanted.every((rule) => rules.includes(rule));
      },
      `findings ${wanted.join(', ')} in Elasticsearch`,
      180_000,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; got ${rules.join(', ')}`);
    });
    await waitFor(() => webhook.received.length >= rules.length && slack.received.length >= 2, 'webhook and Slack notifications', 60_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    for (const child of Object.values(children)) await child.stop('SIGTERM');

    const topics = await dumpTopics(brokers, topicPrefix);
    const indices = await dumpIndices(esUrl, indexBase);
    const runs = topics.get(`${topicPrefix}runs`) ?? [];
    for (const eventId of traffic.eventIds) assert.ok(runs.some((message) => message.value.includes(eventId)), `${eventId} went through the runs topic`);
    assert.ok((topics.get(`${topicPrefix}logs`) ?? []).length >= 4, 'the log batches went through the logs topic');

    const sinks: Record<string, string> = {};
    for (const [topic, messages] of topics) sinks[`kafka:${topic.slice(topicPrefix.length)}`] = JSON.stringify(messages);
    for (const [index, documents] of indices) sinks[`elasticsearch:${index}`] = JSON.stringify(documents);
    for (const [role, child] of Object.entries(children)) sinks[`stderr:${role}`] = JSON.stringify(child.logs);
    sinks['webhook notifications'] = receiverText(webhook);
    sinks['Slack notifications'] = receiverText(slack);
    sinks['HTTP answers'] = answers.join('\n');
    sinks['control, must hold them all: requests as sent'] = traffic.requests.map((request) => `${request.path} ${request.body}`).join('\n');

    const rows = checkLeaks(
      `distributed: ${traffic.needles.length} planted strings; ${topics.size} topics (${[...topics.values()].flat().length} messages), ${indices.size} indices (${[...indices.values()].flat().length} documents), ${rules.length} findings`,
      sinks,
      traffic.needles,
    );
    const control = rows.pop()!;
    assert.equal(control.leaked.length, traffic.needles.filter((needle) => !needle.derived).length, 'every planted string is in what was sent (the search works)');
    assert.ok(rows.some((row) => row.sink.startsWith('elasticsearch:') && row.sink.includes('findings')), 'findings indices were searched');
    for (const row of rows) assert.deepEqual(row.leaked, [], `${row.sink} leaked`);
    // By design, and allowed above: the logs topic carries the raw (redacted) log, so the encoded dump is there for the
    // detector to decode; its plaintext is not, and neither it nor its decoded forms reach anything downstream.
    const blob = traffic.needles.find((needle) => needle.name === 'encoded_dump:blob')!;
    assert.ok(sinks['kafka:logs']!.includes(blob.text), 'the encoded dump is on the logs topic, where the detector reads it');
  });
});

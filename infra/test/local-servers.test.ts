import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import {
  runKafkaTool,
  startLocalElasticsearch,
  startLocalKafka,
  type LocalElasticsearch,
  type LocalKafka,
} from '../src/local-servers/index.js';

const TOPIC_COMMAND = 'org.apache.kafka.tools.TopicCommand';

function isRunning(pid: number): boolean {
  try {
    // A zombie still answers kill(0): count it as gone only if /proc says so too.
    process.kill(pid, 0);
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Pids of live processes whose command line mentions a path (the per-start temp dir). */
function processesMentioning(path: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(path)) pids.push(Number(name));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

describe('local Kafka and Elasticsearch servers @integration', function () {
  this.timeout(600_000);
  let kafka: LocalKafka | undefined;
  let es: LocalElasticsearch | undefined;

  before(async function () {
    const started = Date.now();
    const [k, e] = await Promise.allSettled([startLocalKafka(), startLocalElasticsearch()]);
    kafka = k.status === 'fulfilled' ? k.value : undefined;
    es = e.status === 'fulfilled' ? e.value : undefined;
    if (k.status === 'rejected') throw k.reason;
    if (e.status === 'rejected') throw e.reason;
    console.log(`      both servers ready in ${Date.now() - started} ms`);
  });

  after(async function () {
    await Promise.all([kafka?.stop(), es?.stop()]);
  });

  it('Kafka listens on 127.0.0.1 and creates, lists and describes a topic through its own CLI', async function () {
    assert.ok(kafka);
    assert.match(kafka.brokers, /^127\.0\.0\.1:\d+$/);
    const topic = `pipewatch.it.${Date.now()}`;
    const bootstrap = ['--bootstrap-server', kafka.brokers];
    await runKafkaTool(TOPIC_COMMAND, [...bootstrap, '--create', '--topic', topic, '--replication-factor', '1']);
    const listed = await runKafkaTool(TOPIC_COMMAND, [...bootstrap, '--list']);
    assert.ok(listed.stdout.split('\n').includes(topic), `topic missing from:\n${listed.stdout}`);
    const described = await runKafkaTool(TOPIC_COMMAND, [...bootstrap, '--describe', '--topic', topic]);
    // num.partitions=3 is the broker default the topic was created with.
    assert.match(described.stdout, /PartitionCount: 3\s/);
  });

  it('Elasticsearch reports yellow or green health and indexes and searches a document', async function () {
    assert.ok(es);
    assert.match(es.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${es.url}/_cluster/health`);
    assert.equal(health.status, 200);
    const body = (await health.json()) as { status: string; number_of_nodes: number };
    assert.ok(['yellow', 'green'].includes(body.status), `health ${body.status}`);
    assert.equal(body.number_of_nodes, 1);

    const json = { 'content-type': 'application/json' };
    const put = await fetch(`${es.url}/it-events/_doc/1?refresh=true`, {
      method: 'PUT',
      headers: json,
      body: JSON.stringify({ pipeline: 'build', at: '2026-01-01T00:00:00Z' }),
    });
    assert.equal(put.status, 201);
    const search = await fetch(`${es.url}/it-events/_search`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ query: { term: { pipeline: 'build' } } }),
    });
    const hits = (await search.json()) as { hits: { total: { value: number } } };
    assert.equal(hits.hits.total.value, 1);
  });

  it('stop() ends the JVMs, leaves no process behind and removes the temp dirs', async function () {
    assert.ok(kafka && es);
    const servers = [kafka, es];
    const started = Date.now();
    await Promise.all(servers.map((server) => server.stop()));
    console.log(`      both servers stopped in ${Date.now() - started} ms`);
    for (const server of servers) {
      assert.equal(isRunning(server.pid), false, `pid ${server.pid} still running`);
      assert.deepEqual(processesMentioning(server.dir), [], `processes left in ${server.dir}`);
      assert.equal(existsSync(server.dir), false, `${server.dir} not removed`);
    }
    // A second stop is a no-op, not an error.
    await Promise.all(servers.map((server) => server.stop()));
  });
});

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKafkaBus, silentLogger, type KafkaBus } from '@pipewatch/shared';
import { kafkaBrokers } from '../../../test/helpers/servers.js';
import {
  DEFAULT_SETTINGS,
  createChangelogBaselineStore,
  createFileBaselineStore,
  createInMemoryBaselineStore,
  decodeBaseline,
  detectRun,
  encodeBaseline,
  type BaselineStore,
  type PipelineBaseline,
} from '../src/index.js';
import { makeRun } from './make-run.js';

interface StoreUnderTest {
  open(): Promise<BaselineStore>;
  /** A second store over what the first one wrote (a restart); undefined where nothing outlives the store. */
  reopen?(): Promise<BaselineStore>;
  /** Writes a record the store did not write (an older format, garbage), for the reopened store to skip. */
  plant?(pipelineId: string, record: 'old-json' | 'garbage'): Promise<void>;
  cleanup(): Promise<void>;
}

/** A baseline learned from real runs, in the form the codec gives back. */
function learned(pipelineId: string, runs: number): PipelineBaseline {
  let baseline: PipelineBaseline | undefined;
  for (let i = 0; i < runs; i++) {
    const event = makeRun(i, { pipeline: { id: pipelineId, repository: 'octo/app' } });
    baseline = detectRun(baseline, event, DEFAULT_SETTINGS, event.occurred_at).baseline;
  }
  return decodeBaseline(encodeBaseline(baseline!));
}

function runContract(name: string, make: () => Promise<StoreUnderTest>): void {
  describe(`baseline store contract: ${name}`, function () {
    this.timeout(120_000);
    let env: StoreUnderTest;
    beforeEach(async () => {
      env = await make();
    });
    afterEach(() => env.cleanup());

    it('gives back what was put, the last put per pipeline winning', async () => {
      const store = await env.open();
      await store.put(learned('p1', 3));
      const latest = learned('p1', 12);
      await store.put(latest);
      await store.put(learned('p2', 2));
      assert.deepEqual(await store.get('p1'), latest);
      assert.equal((await store.get('p2'))?.runs, 2);
      assert.equal(await store.get('nobody'), undefined);
      assert.equal(store.size(), 2);
      await store.close();
    });

    it('hands out a fresh copy on each get: changing it changes nothing stored', async () => {
      const store = await env.open();
      await store.put(learned('p1', 12));
      const copy = (await store.get('p1'))!;
      copy.runs = 999;
      copy.numeric['resources.duration_s']!.push(1e9);
      copy.recent_events.length = 0;
      const again = (await store.get('p1'))!;
      assert.equal(again.runs, 12);
      assert.deepEqual(again, learned('p1', 12));
      await store.close();
    });

    it('keeps baselines across a restart, skipping records of older formats and unreadable ones', async function () {
      if (!env.reopen) return this.skip();
      const store = await env.open();
      const kept = learned('p1', 12);
      await store.put(kept);
      const second = learned('p2', 4);
      await store.put(second);
      await store.close();
      await env.plant?.('p2', 'old-json');
      await env.plant?.('p3', 'garbage');
      const reopened = await env.reopen();
      try {
        assert.deepEqual(await reopened.get('p1'), kept);
        assert.deepEqual(await reopened.get('p2'), second, 'a record of an older format is skipped: the last readable one stands');
        assert.equal(await reopened.get('p3'), undefined, 'an unreadable record is skipped');
        assert.equal(reopened.size(), 2);
      } finally {
        await reopened.close();
      }
    });
  });
}

runContract('in memory', async () => ({ open: async () => createInMemoryBaselineStore(), cleanup: async () => undefined }));

runContract('file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'pipewatch-store-contract-'));
  const path = join(dir, 'baselines.ndjson');
  return {
    open: () => createFileBaselineStore({ path }),
    reopen: () => createFileBaselineStore({ path }),
    plant: async (pipelineId, record) => {
      await appendFile(path, record === 'old-json' ? `${JSON.stringify({ version: 3, pipeline_id: pipelineId, runs: 50 })}\n` : 'UFcEAAAA\n');
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

describe('changelog baseline store on a real Kafka @integration', () => {
  let bus: KafkaBus;
  before(async function () {
    this.timeout(180_000);
    bus = await createKafkaBus({ brokers: await kafkaBrokers(), clientId: 'detector-store-test', logger: silentLogger() });
  });
  after(() => bus?.close());

  runContract('Kafka changelog', async () => {
    const topic = `pwdetector-${randomUUID().slice(0, 8)}.baselines`;
    await bus.ensureTopics([{ name: topic, partitions: 3, replicationFactor: 1, config: { 'cleanup.policy': 'compact' } }]);
    const open = async (): Promise<BaselineStore> => {
      const store = createChangelogBaselineStore({ bus, reader: bus, topic, logger: silentLogger() });
      await store.restore!([0, 1, 2]);
      return store;
    };
    return {
      open,
      reopen: open,
      plant: async (pipelineId, record) => {
        await bus.publish(topic, [
          record === 'old-json'
            ? { key: pipelineId, value: JSON.stringify({ version: 3, pipeline_id: pipelineId, runs: 50 }) }
            : { key: pipelineId, value: '', bytes: Uint8Array.from([0x50, 0x57, 4, 0xff, 0xff]) },
        ]);
      },
      cleanup: async () => undefined,
    };
  });
});

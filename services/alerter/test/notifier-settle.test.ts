import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  buildDestinations,
  createFileDeadLetterStore,
  createFileNotificationLedger,
  createNotifier,
  createRouter,
  parseRoutes,
  type NotificationLedger,
} from '../src/index.js';
import { startReceiver, type Receiver } from './helpers/http-receiver.js';
import { recordingLogger } from './helpers/recording-logger.js';
import { runFindings } from './helpers/run-findings.js';
import { makeTempDir } from './helpers/temp-dir.js';
import { waitFor } from './helpers/wait-for.js';

const SLOW_SETTLE_MS = 400;

/** The real file ledger, with every settle taking SLOW_SETTLE_MS longer (a busy Elasticsearch) and counted. */
function slowSettling(ledger: NotificationLedger): NotificationLedger & { settleCalls: number } {
  const slow = {
    ...ledger,
    settleCalls: 0,
    async settle(keys: Parameters<NotificationLedger['settle']>[0], state: Parameters<NotificationLedger['settle']>[1]) {
      slow.settleCalls++;
      await sleep(SLOW_SETTLE_MS);
      await ledger.settle(keys, state);
    },
  };
  return slow;
}

describe('notifier: recording sent notifications', function () {
  this.timeout(20_000);
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  let hook: Receiver;
  beforeEach(async () => {
    dir = await makeTempDir();
    hook = await startReceiver();
  });
  afterEach(async () => {
    await hook.close();
    await dir.remove();
  });

  async function start(ledgerPath: string) {
    const routes = parseRoutes(`destinations: { hook: { kind: webhook, url: "${hook.origin}/hook" } }\ndefault: { to: [hook] }`);
    const ledger = slowSettling(await createFileNotificationLedger({ path: ledgerPath }));
    const notifier = createNotifier({
      destinations: buildDestinations(routes, { timeoutMs: 2_000, retries: 2, minDelayMs: 10, maxDelayMs: 40 }, {}),
      router: createRouter(routes),
      ledger,
      deadLetters: createFileDeadLetterStore({ path: join(dir.path, 'deadletter.ndjson') }),
      send: { policy: 'loopback', links: { consoleBaseUrl: 'http://127.0.0.1:8080' } },
      windowMs: 0,
      logger: recordingLogger(),
      closeGraceMs: 3_000,
    });
    await notifier.start();
    return { notifier, ledger };
  }

  it('does not hold the next notification back while the last one is recorded, records them in fewer writes, and all before close() returns', async () => {
    const ledgerPath = join(dir.path, 'notifications.ndjson');
    const { notifier, ledger } = await start(ledgerPath);
    const findings = [...runFindings('s1'), ...runFindings('s2')];
    const began = Date.now();
    for (const finding of findings) await notifier.accept(finding);
    await waitFor('six requests', () => hook.requests.length === 6);
    const tookMs = Date.now() - began;
    assert.ok(tookMs < SLOW_SETTLE_MS * 2, `six notifications took ${tookMs} ms with a ${SLOW_SETTLE_MS} ms settle each`);
    await notifier.close();
    assert.ok(ledger.settleCalls < 6, `${ledger.settleCalls} settle writes for 6 notifications`);

    // A restart over the same ledger finds nothing pending: every delivery was recorded.
    const again = await start(ledgerPath);
    await sleep(200);
    assert.equal(hook.requests.length, 6, 'nothing sent twice');
    assert.equal(again.notifier.stats().resumed, 0);
    await again.notifier.close();
  });
});

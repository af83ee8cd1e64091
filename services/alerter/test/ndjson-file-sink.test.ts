import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RetryableError } from '@pipewatch/shared';
import { createNdjsonFileSink, readFindingsFile } from '../src/index.js';
import { makeFinding } from './helpers/make-finding.js';
import { recordingLogger } from './helpers/recording-logger.js';
import { makeTempDir } from './helpers/temp-dir.js';

async function fileLines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((line) => line !== '');
}

describe('ndjson file sink', () => {
  let dir: Awaited<ReturnType<typeof makeTempDir>>;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('appends one JSON line per finding, creating parent directories', async () => {
    const path = join(dir.path, 'nested', 'deeper', 'findings.ndjson');
    const sink = await createNdjsonFileSink({ path, logger: recordingLogger() });
    const first = makeFinding();
    const second = makeFinding({ severity: 'critical' });
    await sink.write([first]);
    await sink.write([second]);
    await sink.close?.();

    const lines = await fileLines(path);
    assert.equal(lines.length, 2);
    assert.deepEqual(lines.map((line) => JSON.parse(line)), [first, second]);
    assert.deepEqual(await readFindingsFile(path), [first, second]);
  });

  it('never writes the same finding_id twice, within a batch or across writes', async () => {
    const path = join(dir.path, 'findings.ndjson');
    const sink = await createNdjsonFileSink({ path, logger: recordingLogger() });
    const finding = makeFinding();
    await sink.write([finding, finding]);
    await sink.write([finding]);
    await sink.close?.();
    assert.equal((await fileLines(path)).length, 1);
  });

  it('keeps ids unique under concurrent writes', async () => {
    const path = join(dir.path, 'findings.ndjson');
    const sink = await createNdjsonFileSink({ path, logger: recordingLogger() });
    const findings = Array.from({ length: 10 }, () => makeFinding());
    await Promise.all(findings.flatMap((finding) => [sink.write([finding]), sink.write([finding])]));
    await sink.close?.();
    const ids = (await readFindingsFile(path)).map((finding) => finding.finding_id);
    assert.equal(ids.length, 10);
    assert.deepEqual(new Set(ids), new Set(findings.map((finding) => finding.finding_id)));
  });

  it('after a restart on the same file, skips ids already written and appends new ones', async () => {
    const path = join(dir.path, 'findings.ndjson');
    const old = makeFinding();
    const before = await createNdjsonFileSink({ path, logger: recordingLogger() });
    await before.write([old]);
    await before.close?.();

    const after = await createNdjsonFileSink({ path, logger: recordingLogger() });
    const fresh = makeFinding();
    await after.write([old, fresh]);
    await after.write([old]);
    await after.close?.();

    assert.deepEqual(
      (await readFindingsFile(path)).map((finding) => finding.finding_id),
      [old.finding_id, fresh.finding_id],
    );
  });

  it('tolerates a torn last line: ignores it, and the next line starts on its own line', async () => {
    const path = join(dir.path, 'findings.ndjson');
    const kept = makeFinding();
    const torn = makeFinding({ finding_id: 'torn-by-a-crash' });
    const tornLine = JSON.stringify(torn).slice(0, 60);
    await writeFile(path, `${JSON.stringify(kept)}\n${tornLine}`);

    const sink = await createNdjsonFileSink({ path, logger: recordingLogger() });
    // The torn finding never reached the file whole, so it must be written now.
    await sink.write([kept, torn]);
    await sink.close?.();

    const lines = await fileLines(path);
    assert.deepEqual(lines, [JSON.stringify(kept), tornLine, JSON.stringify(torn)]);
    assert.deepEqual(await readFindingsFile(path), [kept, torn]);
  });

  it('reads a missing file as no findings', async () => {
    assert.deepEqual(await readFindingsFile(join(dir.path, 'absent.ndjson')), []);
  });

  it('refuses writes after close with a retryable error, so the bus keeps the finding', async () => {
    const sink = await createNdjsonFileSink({ path: join(dir.path, 'findings.ndjson'), logger: recordingLogger() });
    await sink.close?.();
    await assert.rejects(sink.write([makeFinding()]), (error: unknown) => error instanceof RetryableError);
  });
});

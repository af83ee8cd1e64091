import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageOf, summarizeCpuProfile } from '../cpu-profile.js';

const ROUTE = 'file:///repo/services/collector/dist/routes/events-route.js';
const ZOD = 'file:///repo/node_modules/zod/v4/core/schemas.js';

describe('bench cpu profile summary', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'bench-profile-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('charges sample time to functions (self), packages, and the pipewatch frames above them (inclusive)', () => {
    const file = join(dir, 'p.cpuprofile');
    writeFileSync(
      file,
      JSON.stringify({
        nodes: [
          { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 4] },
          { id: 2, callFrame: { functionName: 'handle', url: ROUTE, lineNumber: 9 }, children: [3] },
          { id: 3, callFrame: { functionName: 'run', url: ZOD, lineNumber: 96 } },
          { id: 4, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
        ],
        // 3 ms in zod under handle, 1 ms in handle itself, 4 ms idle.
        samples: [3, 3, 3, 2, 4, 4, 4, 4],
        timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
        startTime: 0,
        endTime: 8000,
      }),
    );
    const summary = summarizeCpuProfile(file);
    assert.equal(summary.idle_pct, 50);
    assert.deepEqual(summary.top_functions[0], { name: 'run zod/v4/core/schemas.js:97', ms: 3, pct: 37.5, busy_pct: 75 });
    assert.deepEqual(summary.by_package.map((share) => share.name), ['zod', 'pipewatch services/collector']);
    assert.deepEqual(summary.pipewatch_inclusive, [{ name: 'handle services/collector/dist/routes/events-route.js:10', ms: 4, pct: 50, busy_pct: 100 }]);
  });

  it('names packages by node_modules entry, scoped ones whole', () => {
    assert.equal(packageOf('file:///r/node_modules/@elastic/transport/lib/x.js', 'f'), '@elastic/transport');
    assert.equal(packageOf('node:internal/streams/writable', 'f'), 'node:internal/streams');
    assert.equal(packageOf('', '(garbage collector)'), '(garbage collector)');
  });
});

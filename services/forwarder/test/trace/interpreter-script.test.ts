import assert from 'node:assert/strict';
import { interpreterScript } from '../../src/trace/interpreter-script.js';

describe('interpreterScript', () => {
  const cwd = '/home/runner/work/app/app';
  const cases: [string, string[], string | undefined][] = [
    ['/usr/bin/bash', ['bash', 'codecov.sh'], `${cwd}/codecov.sh`],
    ['/usr/bin/bash', ['bash', '-e', '-o', 'pipefail', 'scripts/ci.sh', '--fast'], `${cwd}/scripts/ci.sh`],
    ['/usr/bin/python3.12', ['python3', '-u', '/tmp/memdump.py'], '/tmp/memdump.py'],
    ['/opt/hostedtoolcache/node/20.1.0/x64/bin/node', ['node', '-r', 'dotenv/config', 'build.js'], `${cwd}/build.js`],
    ['/usr/bin/perl', ['perl', '--', 'x.pl'], `${cwd}/x.pl`],
    ['/usr/bin/bash', ['bash', '-c', 'curl -s https://codecov.io/bash | bash'], undefined],
    ['/usr/bin/bash', ['bash', '-ec', 'make'], undefined],
    ['/usr/bin/bash', ['bash', '-s'], undefined],
    ['/usr/bin/bash', ['bash', '/dev/fd/63'], undefined],
    ['/usr/bin/python3', ['python3', '-m', 'pytest', 'tests'], undefined],
    ['/usr/bin/python3', ['python3', '-s', 'tool.py'], `${cwd}/tool.py`],
    ['/usr/bin/python3', ['python3', '-'], undefined],
    ['/usr/bin/python3', ['python3', '-O', 'build.py'], `${cwd}/build.py`],
    ['/usr/bin/node', ['node', '-e', 'console.log(1)'], undefined],
    ['/usr/bin/bash', ['bash'], undefined],
    ['/usr/bin/curl', ['curl', 'x.sh'], undefined],
  ];
  for (const [exe, argv, expected] of cases) {
    it(`${argv.join(' ')} → ${expected ?? 'no script'}`, () => {
      assert.equal(interpreterScript(exe, argv, cwd), expected);
    });
  }
});

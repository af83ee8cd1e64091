import assert from 'node:assert/strict';
import { splitArtifactVersion } from '../../src/artifacts/artifact-version.js';

describe('splitArtifactVersion', () => {
  const cases: [string, string, string | undefined][] = [
    ['dist/app-1.2.3.tgz', 'dist/app.tgz', '1.2.3'],
    ['dist/pkg-1.2.3.tar.gz', 'dist/pkg.tar.gz', '1.2.3'],
    ['dist/ultralytics-8.3.41.post1-py3-none-any.whl', 'dist/ultralytics-py3-none-any.whl', '8.3.41.post1'],
    ['target/lib-2.0.0-SNAPSHOT.jar', 'target/lib.jar', '2.0.0-SNAPSHOT'],
    ['tool_1.4.0_amd64.deb', 'tool_amd64.deb', '1.4.0'],
    ['bin/SolarWinds.Orion.Core.BusinessLayer-2020.2.5200.12.dll', 'bin/SolarWinds.Orion.Core.BusinessLayer.dll', '2020.2.5200.12'],
    ['node-v20.1.0-linux-x64.tar.xz', 'node-linux-x64.tar.xz', '20.1.0'],
    ['a-1.0.0rc1.tar.gz', 'a.tar.gz', '1.0.0rc1'],
  ];
  for (const [path, name, version] of cases) {
    it(`${path} → ${name} @ ${version}`, () => {
      assert.deepEqual(splitArtifactVersion(path), { name, version });
    });
  }

  it('leaves names without a dotted version whole: README, app.tgz, app-2.tgz, 1.2.3.tgz', () => {
    for (const path of ['README', 'x/app.tgz', 'app-2.tgz', '1.2.3.tgz']) assert.deepEqual(splitArtifactVersion(path), { name: path });
  });

  it('every release of one artifact shares its name, so a rebuilt version is comparable', () => {
    const names = ['app-1.2.3.tgz', 'app-1.2.4.tgz', 'app-1.3.0-rc1.tgz'].map((path) => splitArtifactVersion(path).name);
    assert.deepEqual(new Set(names), new Set(['app.tgz']));
  });
});

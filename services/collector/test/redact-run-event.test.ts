import assert from 'node:assert/strict';
import { RunEvent } from '@pipewatch/shared';
import { redactRunEvent } from '@pipewatch/collector';
import { validRunEvent } from './helpers/run-event.js';

const TOKEN = 'ghp_R4nd0mT0k3nV4lu3Th4tL00ksR34lAbCdEf12';
const KNOWN = 'Vault-Unseal-Key-Of-Prod';

/** Each free-text place of a run event, with the secret planted there and nowhere else. */
const PLACES: { place: string; event: (secret: string) => Record<string, unknown> }[] = [
  { place: 'attribute key', event: (secret) => ({ attributes: { [`note ${secret}`]: 'x' } }) },
  { place: 'attribute value', event: (secret) => ({ attributes: { note: `token is ${secret}` } }) },
  { place: 'step name', event: (secret) => ({ steps: [{ name: 'checkout' }, { name: `Run ./deploy ${secret}` }] }) },
  { place: 'run url', event: (secret) => ({ run: { id: 'r1', url: `https://ci.example.com/runs/1?k=${secret}` } }) },
  { place: 'dependency source', event: (secret) => ({ dependencies: [{ name: 'lib', digest: 'sha256:00', source: `https://x/${secret}/lib.tgz` }] }) },
  { place: 'process exe', event: (secret) => ({ access: { processes: [{ exe: `/bin/sh -c echo ${secret}` }] } }) },
  { place: 'process parent', event: (secret) => ({ access: { processes: [{ exe: '/bin/sh', parent: `/usr/bin/env ${secret}` }] } }) },
];

describe('redactRunEvent', () => {
  for (const { place, event } of PLACES) {
    for (const [what, secret] of [['a token', TOKEN], ['a known value', KNOWN]] as const) {
      it(`masks ${what} planted only in the ${place}`, () => {
        const input = RunEvent.parse(validRunEvent(event(secret)));
        const { event: output, counts } = redactRunEvent(input, [KNOWN]);
        const published = JSON.stringify(output);
        assert.ok(!published.includes(secret), `${place}: ${published}`);
        assert.ok(published.includes('[REDACTED]'));
        assert.equal(Object.values(counts).reduce((sum, n) => sum + n, 0), 1);
      });
    }
  }

  it('returns the same object, uncounted, for an event with nothing to mask', () => {
    const input = RunEvent.parse(validRunEvent(PLACES.reduce((all, { event }) => ({ ...all, ...event('harmless') }), {})));
    const result = redactRunEvent(input, [KNOWN]);
    assert.equal(result.event, input);
    assert.deepEqual(result.counts, {});
  });
});

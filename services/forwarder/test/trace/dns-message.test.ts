import assert from 'node:assert/strict';
import { Resolver } from 'node:dns/promises';
import { answerAddresses, decodeDnsMessage } from '../../src/trace/dns-message.js';
import { startDnsResponder, type DnsResponder } from './dns-responder.js';

describe('decodeDnsMessage', () => {
  let responder: DnsResponder;
  const resolver = new Resolver({ timeout: 1000, tries: 1 });

  before(async () => {
    responder = await startDnsResponder({
      'registry.test': { a: ['127.0.0.1', '127.0.0.9'], aaaa: ['::1', 'fd00::2'] },
      'cdn.test': { cname: 'edge.cdn.test' },
      'edge.cdn.test': { a: ['127.0.0.7'] },
    });
    // Only ever this loopback responder.
    resolver.setServers([`127.0.0.1:${responder.port}`]);
  });
  after(() => responder.close());

  /** Resolves through a real stub resolver (c-ares) and returns the exact bytes both ways. */
  async function exchange(lookup: () => Promise<unknown>) {
    const before = responder.exchanges.length;
    await lookup().catch(() => undefined);
    const exchange = responder.exchanges[before];
    assert.ok(exchange, 'the responder saw the query');
    return exchange;
  }

  it('decodes a real A query and its answer', async () => {
    const { query, response } = await exchange(() => resolver.resolve4('Registry.Test'));
    const question = decodeDnsMessage(query);
    assert.equal(question?.isResponse, false);
    assert.deepEqual(question?.questions, [{ name: 'registry.test', type: 1 }]);
    const answer = decodeDnsMessage(response);
    assert.equal(answer?.id, question?.id);
    assert.equal(answer?.isResponse, true);
    assert.deepEqual(answer && answerAddresses(answer), ['127.0.0.1', '127.0.0.9']);
  });

  it('decodes AAAA answers to the canonical text form', async () => {
    const { response } = await exchange(() => resolver.resolve6('registry.test'));
    const answer = decodeDnsMessage(response);
    assert.deepEqual(answer?.answers.map((record) => [record.type, record.address]), [
      [28, '::1'],
      [28, 'fd00::2'],
    ]);
  });

  it('follows a CNAME whose target name is itself compressed', async () => {
    const { response } = await exchange(() => resolver.resolve4('cdn.test'));
    const answer = decodeDnsMessage(response)!;
    assert.deepEqual(answer.answers.map((record) => [record.name, record.cname ?? record.address]), [
      ['cdn.test', 'edge.cdn.test'],
      ['edge.cdn.test', '127.0.0.7'],
    ]);
    assert.deepEqual(answerAddresses(answer), ['127.0.0.7']);
  });

  it('reads NXDOMAIN as a response without addresses', async () => {
    const { response } = await exchange(() => resolver.resolve4('secret-data.exfil.test'));
    const answer = decodeDnsMessage(response)!;
    assert.equal(answer.rcode, 3);
    assert.deepEqual(answer.questions[0]?.name, 'secret-data.exfil.test');
    assert.deepEqual(answerAddresses(answer), []);
  });

  it('returns undefined on malformed packets and stops at pointer loops', async () => {
    const { response } = await exchange(() => resolver.resolve4('registry.test'));
    for (let cut = 0; cut < response.length; cut++) assert.equal(decodeDnsMessage(response.subarray(0, cut)), undefined, `cut at ${cut}`);
    const header = Buffer.from([0, 1, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0]);
    // A name that is a pointer to itself, and two pointers to each other.
    assert.equal(decodeDnsMessage(Buffer.concat([header, Buffer.from([0xc0, 12, 0, 1, 0, 1])])), undefined);
    assert.equal(decodeDnsMessage(Buffer.concat([header, Buffer.from([0xc0, 14, 0xc0, 12, 0, 1, 0, 1])])), undefined);
    // A pointer past the end, a reserved label type, counts larger than the packet.
    assert.equal(decodeDnsMessage(Buffer.concat([header, Buffer.from([0xc0, 200, 0, 1, 0, 1])])), undefined);
    assert.equal(decodeDnsMessage(Buffer.concat([header, Buffer.from([0x40, 0, 0, 1, 0, 1])])), undefined);
    assert.equal(decodeDnsMessage(Buffer.from([0, 1, 0x81, 0x80, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0])), undefined);
    assert.equal(decodeDnsMessage(Buffer.alloc(5)), undefined);
  });

  it('stops a CNAME loop inside a message', () => {
    const loop = { id: 1, isResponse: true, rcode: 0, questions: [{ name: 'a.test', type: 1 }], answers: [
      { name: 'a.test', type: 5, ttl: 1, cname: 'b.test' },
      { name: 'b.test', type: 5, ttl: 1, cname: 'a.test' },
    ] };
    assert.deepEqual(answerAddresses(loop), []);
  });
});

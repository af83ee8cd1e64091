import assert from 'node:assert/strict';
import { makeRun } from './make-run.js';
import { judge } from './trained.js';

const usual = makeRun(0).access!;

describe('novelty rule', () => {
  it('reports an egress host never contacted before, once per host', () => {
    const findings = judge({ access: { ...usual, egress: [...usual.egress!, { host: 'paste.evil.example', port: 443 }, { host: 'paste.evil.example', port: 8443 }] } });
    const hosts = findings.filter((f) => f.rule.id === 'access.egress.new_host');
    assert.equal(hosts.length, 1);
    assert.equal(hosts[0]!.subject, 'paste.evil.example');
    assert.equal(hosts[0]!.severity, 'medium');
    assert.match(hosts[0]!.summary, /paste\.evil\.example:443/);
    assert.match(hosts[0]!.summary, /20 runs/);
  });

  it('notes a first contact with a public registry or toolchain download host as low, unless data was sent to it', () => {
    const reach = (egress: { host: string; port: number; bytes_out?: number }) => judge({ access: { ...usual, egress: [...usual.egress!, egress] } }).find((f) => f.rule.id === 'access.egress.new_host')!;
    const download = reach({ host: 'nodejs.org', port: 443 });
    assert.equal(download.severity, 'low');
    assert.equal((download.evidence as { public_download_host: boolean }).public_download_host, true);
    assert.equal(reach({ host: 'nodejs.org', port: 443, bytes_out: 50_000_000 }).severity, 'medium');
    assert.equal(reach({ host: 'storage.googleapis.com', port: 443 }).severity, 'medium', 'a bucket host anyone can write to is not a download host');
  });

  it('does not pair a large upload with a first contact to a public download host as exfiltration', () => {
    const egress = [...usual.egress!, { host: 'nodejs.org', port: 443 }];
    const findings = judge({ resources: { ...makeRun(500).resources, net_tx_bytes: 900_000_000 }, access: { ...usual, egress } });
    assert.ok(findings.some((f) => f.rule.id === 'resource.net_tx.high'));
    assert.ok(!findings.some((f) => f.rule.id === 'access.egress.exfiltration'));
  });

  it('does not report hosts the pipeline already uses', () => {
    assert.deepEqual(judge({ access: usual }), []);
  });

  it('rates a new host on a mining-pool port high', () => {
    const findings = judge({ access: { ...usual, egress: [...usual.egress!, { host: 'pool.minexmr.example', port: 4444 }] } });
    assert.equal(findings.find((f) => f.rule.id === 'access.egress.new_host')?.severity, 'high');
  });

  it('reports a raw IP reached without DNS as its own, stronger rule', () => {
    const findings = judge({ access: { ...usual, egress: [...usual.egress!, { ip: '198.51.100.23', port: 443, resolved: false }] } });
    const ids = findings.map((f) => f.rule.id);
    assert.deepEqual(ids, ['access.egress.unresolved_ip']);
    assert.equal(findings[0]!.severity, 'high');
    assert.equal(findings[0]!.subject, '198.51.100.23');
  });

  it('reports a secret name never used before', () => {
    const findings = judge({ access: { ...usual, secrets: ['NPM_TOKEN', 'AWS_SECRET_ACCESS_KEY'] } });
    const secret = findings.find((f) => f.rule.id === 'access.secret.new');
    assert.equal(secret?.subject, 'AWS_SECRET_ACCESS_KEY');
    const normalSecrets = (secret?.evidence as { baseline: { usual_secrets: { value: string; runs_seen: number }[] } }).baseline.usual_secrets;
    assert.deepEqual(normalSecrets.map((entry) => [entry.value, entry.runs_seen]), [["NPM_TOKEN", 20]]);
  });

  it('reports an executable never run before, and a known one with a new hash', () => {
    const findings = judge({
      access: { ...usual, processes: [{ exe: '/usr/bin/node', sha256: 'bb'.repeat(32) }, { exe: '/tmp/.x/xmrig', parent: 'bash' }] },
    });
    assert.equal(findings.find((f) => f.rule.id === 'access.process.new')?.subject, '/tmp/.x/xmrig');
    assert.equal(findings.find((f) => f.rule.id === 'access.process.new_hash')?.subject, '/usr/bin/node');
  });
});

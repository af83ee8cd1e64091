import assert from 'node:assert/strict';
import { createAnomalyLedger } from '../anomaly-ledger.js';

describe('anomaly ledger', () => {
  it('measures from the 202 to the webhook and to searchable', () => {
    const ledger = createAnomalyLedger();
    ledger.accepted('e1', 1_000);
    ledger.webhook(['e1'], 1_250, new Date().toISOString());
    ledger.searchable(['e1'], 1_400, new Date().toISOString());
    const report = ledger.report();
    assert.equal(report.to_webhook_ms.p50, 250);
    assert.equal(report.to_searchable_ms.p50, 400);
    assert.equal(report.to_webhook_ms.missing, 0);
  });

  it('keeps a finding that arrived before the load generator read its 202, at 0 ms', () => {
    const ledger = createAnomalyLedger();
    ledger.webhook(['e2'], 990, new Date().toISOString());
    ledger.accepted('e2', 1_000);
    const report = ledger.report();
    assert.equal(report.to_webhook_ms.missing, 0);
    assert.equal(report.to_webhook_ms.p50, 0);
    assert.equal(report.to_searchable_ms.missing, 1);
    assert.deepEqual(ledger.outstanding(), { webhook: 0, searchable: 1 });
  });
});

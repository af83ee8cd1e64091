import assert from 'node:assert/strict';
import type { KnownBlock } from '@slack/types';
import type { Finding } from '@pipewatch/shared';
import { SLACK_LIMITS, buildSlackMessage, findingLink } from '../src/index.js';
import { runFindings } from './helpers/run-findings.js';

const links = { kibanaBaseUrl: 'https://kibana.example.com/' };
const kibana = (id: string): string => findingLink(links, id)!.url;

/** Every Slack limit the message must respect. */
function assertWithinLimits(message: { text: string; blocks: KnownBlock[] }): void {
  assert.ok(message.text.length > 0 && message.text.length <= SLACK_LIMITS.fallbackText, 'fallback text present and short');
  assert.ok(message.blocks.length <= 50, `${message.blocks.length} blocks`);
  let total = 0;
  for (const block of message.blocks) {
    if (block.type === 'header') {
      assert.equal(block.text.type, 'plain_text');
      assert.ok(block.text.text.length <= 150, `header of ${block.text.text.length}`);
      total += block.text.text.length;
    }
    if (block.type === 'section') {
      assert.ok(block.text && block.text.text.length >= 1 && block.text.text.length <= 3000, `section of ${block.text?.text.length}`);
      total += block.text.text.length;
    }
  }
  assert.ok(total <= 12_000, `blocks carry ${total} characters`);
}

describe('Slack message (Block Kit)', () => {
  it('renders a multi-finding run as the expected blocks: run linked to CI, highest severity, numbers, Kibana links', () => {
    const findings = runFindings('r12');
    const message = buildSlackMessage(findings, links);
    const expected: KnownBlock[] = [
      { type: 'header', text: { type: 'plain_text', text: 'pipewatch: 3 findings (critical) in octo/app build', emoji: true } },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            '*Pipeline:* `github:octo/app:.github/workflows/ci.yml:build`\n' +
            '*Run:* <https://ci.example.com/octo/app/runs/r12|run r12> (branch `main`, trigger push)\n' +
            '*Highest severity:* :red_circle: CRITICAL',
        },
      },
      { type: 'divider' },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            ':red_circle: *CRITICAL* · *New egress destination* `access.egress.new_host`\n' +
            'Connected to pool.evil.example:3333, which this pipeline has not contacted in 12 runs.\n' +
            '_observed pool.evil.example:3333, not seen in the previous 12 runs_\n' +
            `<${kibana('r12-egress')}|Open in Kibana>`,
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            ':large_orange_circle: *HIGH* · *Job duration unusually high* `resource.duration.high`\n' +
            'Job duration was 900 s, 7.5× the usual 120 s; look at what this run did differently.\n' +
            '_observed 900 s vs normal 120 s (normal range 108 s–132 s, 12 runs)_\n' +
            `<${kibana('r12-duration')}|Open in Kibana>`,
        },
      },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text:
            ':large_yellow_circle: *MEDIUM* · *CPU time unusually high* `resource.cpu.high`\n' +
            'CPU time was 400 s, 8× the usual 50 s.\n' +
            '_observed 400 s vs normal 50 s (normal range 46 s–54 s, 12 runs)_\n' +
            `<${kibana('r12-cpu')}|Open in Kibana>`,
        },
      },
    ];
    assert.deepEqual(message.blocks, expected);
    assert.match(message.text, /^pipewatch: 3 findings, highest severity critical, in github:octo\/app:\.github\/workflows\/ci\.yml:build run r12/);
    assertWithinLimits(message);
  });

  it('links to Kibana Discover filtered by pipewatch.finding_id, or to the console when only it is configured', () => {
    const url = new URL(kibana('r12-egress'));
    assert.equal(url.origin + url.pathname, 'https://kibana.example.com/app/discover');
    const state = decodeURIComponent(url.hash);
    assert.match(state, /dataViewId:'pipewatch-findings'/);
    assert.match(state, /query:'pipewatch\.finding_id:"r12-egress"'/);
    assert.deepEqual(findingLink({ consoleBaseUrl: 'http://127.0.0.1:8080/' }, 'abc123'), {
      url: 'http://127.0.0.1:8080/ui/findings/abc123',
      label: 'Open in console',
    });
    assert.equal(findingLink({}, 'abc123'), undefined);
  });

  it('truncates a run with 80 findings within the limits and says how many were left out', () => {
    const [template] = runFindings('r80');
    const findings: Finding[] = Array.from({ length: 80 }, (_, i) => ({
      ...template!,
      finding_id: `r80-${i}`,
      subject: `metrics.m${i}`,
      summary: `Metric m${i} moved far from its usual value. `.repeat(8).trim(),
    }));
    const message = buildSlackMessage(findings, links);
    assertWithinLimits(message);
    const sections = message.blocks.filter((block) => block.type === 'section');
    const last = sections.at(-1)!;
    const match = /^…and (\d+) more findings/.exec(last.type === 'section' ? (last.text?.text ?? '') : '');
    assert.ok(match, 'the last block counts the findings left out');
    const shown = sections.length - 2; // minus the run section and the "…and N more" section
    assert.equal(shown + Number(match[1]), 80, 'shown + left out = all findings');
    assert.ok(shown >= 10, `a useful number of findings is still shown (${shown})`);
  });

  it('cuts over-long text (header, rule names) instead of breaking a limit, and escapes mrkdwn', () => {
    const [one] = runFindings('r1', {
      pipeline: { id: 'p', name: 'N'.repeat(400) },
      rule: { id: 'resource.duration.high', name: '<b>&'.repeat(300), category: 'resource' },
      summary: 'x'.repeat(1000),
    });
    const message = buildSlackMessage([one!], links);
    assertWithinLimits(message);
    const header = message.blocks[0]!;
    assert.ok(header.type === 'header' && header.text.text.endsWith('…'));
    const section = message.blocks[3]!;
    assert.ok(section.type === 'section');
    assert.ok(!/<b>/.test(section.text!.text), 'user text cannot inject mrkdwn links or tags');
    assert.match(section.text!.text, /&lt;b&gt;&amp;/);
  });
});

import type { HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import { severityRank, type Finding, type Severity } from '@pipewatch/shared';
import { evidenceLine } from './evidence-line.js';
import { findingLink, runFindingsUrl, type LinkSettings } from './finding-links.js';

/**
 * Slack's limits for an incoming-webhook message (Block Kit reference): 50 blocks,
 * 3000 characters of section text, 150 of header text. Slack also refuses messages
 * whose blocks add up to much more than ~12,000 characters (msg_blocks_too_long)
 * although no single limit is crossed, so the whole is budgeted too.
 */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  fallbackText: 3000,
  totalBlockText: 11_000,
  summaryText: 1000,
} as const;

/** The JSON body POSTed to a Slack incoming webhook. */
export interface SlackMessage {
  /** Shown in notifications and by clients that cannot render blocks. */
  text: string;
  blocks: KnownBlock[];
}

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':white_circle:',
};

/** Slack mrkdwn needs only these three escaped. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Cuts to `max` characters with an ellipsis, never leaving half an `&amp;` behind. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1).replace(/&[a-z]{0,4}$/, '')}…`;
}

/** `<url|label>`; the URL may not carry `|` or `>` unescaped. */
function mrkdwnLink(url: string, label: string): string {
  return `<${url.replace(/\|/g, '%7C').replace(/>/g, '%3E')}|${escapeMrkdwn(label)}>`;
}

function bySeverity(a: Finding, b: Finding): number {
  return severityRank(b.severity) - severityRank(a.severity) || b.score - a.score;
}

function pipelineLabel(finding: Finding): string {
  const { pipeline } = finding;
  if (pipeline.name) return pipeline.name;
  if (pipeline.repository) return pipeline.job ? `${pipeline.repository} ${pipeline.job}` : pipeline.repository;
  return pipeline.id;
}

function headerBlock(findings: Finding[], highest: Severity): HeaderBlock {
  const count = findings.length === 1 ? '1 finding' : `${findings.length} findings`;
  const text = truncateText(`pipewatch: ${count} (${highest}) in ${pipelineLabel(findings[0]!)}`, SLACK_LIMITS.headerText);
  return { type: 'header', text: { type: 'plain_text', text, emoji: true } };
}

function runBlock(first: Finding, highest: Severity): SectionBlock {
  const { run, pipeline } = first;
  const runText = run.url ? mrkdwnLink(run.url, `run ${run.id}`) : `run ${escapeMrkdwn(run.id)}`;
  const details = [
    run.branch ? `branch \`${escapeMrkdwn(run.branch)}\`` : undefined,
    run.commit ? `commit \`${escapeMrkdwn(run.commit.slice(0, 12))}\`` : undefined,
    run.trigger ? `trigger ${escapeMrkdwn(run.trigger)}` : undefined,
    run.actor ? `by ${escapeMrkdwn(run.actor)}` : undefined,
  ].filter((part): part is string => part !== undefined);
  const lines = [
    `*Pipeline:* \`${escapeMrkdwn(pipeline.id)}\``,
    `*Run:* ${runText}${details.length > 0 ? ` (${details.join(', ')})` : ''}`,
    `*Highest severity:* ${SEVERITY_EMOJI[highest]} ${highest.toUpperCase()}`,
  ];
  return { type: 'section', text: { type: 'mrkdwn', text: truncateText(lines.join('\n'), SLACK_LIMITS.sectionText) } };
}

function findingBlock(finding: Finding, links: LinkSettings): SectionBlock {
  const link = findingLink(links, finding.finding_id);
  const linkLine = link ? `\n${mrkdwnLink(link.url, link.label)}` : '';
  const title = `${SEVERITY_EMOJI[finding.severity]} *${finding.severity.toUpperCase()}* · *${escapeMrkdwn(truncateText(finding.rule.name, 200))}* \`${escapeMrkdwn(finding.rule.id)}\``;
  const evidence = evidenceLine(finding);
  const body = [
    title,
    truncateText(escapeMrkdwn(finding.summary), SLACK_LIMITS.summaryText),
    ...(evidence ? [`_${escapeMrkdwn(evidence)}_`] : []),
  ].join('\n');
  // The link goes last and is never cut: a half link is worse than a shorter summary.
  const text = `${truncateText(body, SLACK_LIMITS.sectionText - linkLine.length)}${linkLine}`;
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function moreBlock(hidden: number, first: Finding, links: LinkSettings): SectionBlock {
  const all = runFindingsUrl(links, first.pipeline.id, first.run.id);
  const noun = hidden === 1 ? 'finding' : 'findings';
  const text = `…and ${hidden} more ${noun}${all ? ` · ${mrkdwnLink(all, 'see all findings of this run in Kibana')}` : ''}`;
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function blockText(block: KnownBlock): number {
  return 'text' in block && block.text && typeof block.text === 'object' && 'text' in block.text ? block.text.text.length : 0;
}

/**
 * One Slack message for the findings of one run: a header, the pipeline and run
 * (linked to the CI), the highest severity, then one section per finding, most
 * severe first, with its summary, observed-vs-normal numbers and a link to it.
 * Findings that do not fit Slack's limits are counted in a closing "…and N more".
 */
export function buildSlackMessage(findings: Finding[], links: LinkSettings = {}): SlackMessage {
  if (findings.length === 0) throw new RangeError('a Slack message needs at least one finding');
  const sorted = [...findings].sort(bySeverity);
  const first = sorted[0]!;
  const highest = first.severity;
  const head: KnownBlock[] = [headerBlock(sorted, highest), runBlock(first, highest), { type: 'divider' }];

  // A "…and N more" block needs a slot and some text of its own whenever anything is left out.
  const capacity = SLACK_LIMITS.blocks - head.length;
  const reserveText = 600;
  let used = head.reduce((sum, block) => sum + blockText(block), 0);
  const sections: SectionBlock[] = [];
  for (const [index, finding] of sorted.entries()) {
    const leftAfter = sorted.length - index - 1;
    if (sections.length >= (leftAfter > 0 ? capacity - 1 : capacity)) break;
    const block = findingBlock(finding, links);
    if (used + blockText(block) > SLACK_LIMITS.totalBlockText - (leftAfter > 0 ? reserveText : 0)) break;
    sections.push(block);
    used += blockText(block);
  }
  const hidden = sorted.length - sections.length;
  const blocks: KnownBlock[] = [...head, ...sections, ...(hidden > 0 ? [moreBlock(hidden, first, links)] : [])];

  const count = findings.length === 1 ? '1 finding' : `${findings.length} findings`;
  const text = truncateText(
    `pipewatch: ${count}, highest severity ${highest}, in ${escapeMrkdwn(first.pipeline.id)} run ${escapeMrkdwn(first.run.id)}: ${escapeMrkdwn(first.summary)}`,
    SLACK_LIMITS.fallbackText,
  );
  return { text, blocks };
}

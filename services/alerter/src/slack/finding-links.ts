/** Where a person reading an alert can open a finding. */
export interface LinkSettings {
  /** Kibana's base URL (e.g. `https://kibana.example.com`): links open Discover filtered to the finding. */
  kibanaBaseUrl?: string;
  /** The embedded console's base URL: links open `/ui/findings/<finding_id>`. */
  consoleBaseUrl?: string;
  /** The Kibana data view the links open; default `pipewatch-findings` (shipped in infra/kibana). */
  kibanaDataViewId?: string;
}

const withoutTrailingSlash = (url: string): string => url.replace(/\/+$/, '');

/** A rison string literal: quoted, with `!` and `'` escaped by `!`. */
function risonString(value: string): string {
  return `'${value.replace(/!/g, '!!').replace(/'/g, "!'")}'`;
}

/** KQL quoted value. */
function kqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Percent-encodes rison for a URL fragment, keeping its punctuation readable. */
function encodeRison(rison: string): string {
  return encodeURIComponent(rison).replace(/%2C/g, ',').replace(/%3A/g, ':');
}

/** Kibana Discover showing the findings a KQL query selects, over the last year. */
export function kibanaDiscoverUrl(settings: LinkSettings, kql: string): string | undefined {
  if (!settings.kibanaBaseUrl) return undefined;
  const dataView = settings.kibanaDataViewId ?? 'pipewatch-findings';
  const state = `(dataSource:(dataViewId:${risonString(dataView)},type:dataView),query:(language:kuery,query:${risonString(kql)}))`;
  return `${withoutTrailingSlash(settings.kibanaBaseUrl)}/app/discover#/?_g=${encodeRison('(time:(from:now-1y,to:now))')}&_a=${encodeRison(state)}`;
}

/** The best link for one finding: Kibana when configured, else the console, else none. */
export function findingLink(settings: LinkSettings, findingId: string): { url: string; label: string } | undefined {
  const kibana = kibanaDiscoverUrl(settings, `pipewatch.finding_id:${kqlString(findingId)}`);
  if (kibana) return { url: kibana, label: 'Open in Kibana' };
  if (settings.consoleBaseUrl) {
    return { url: `${withoutTrailingSlash(settings.consoleBaseUrl)}/ui/findings/${encodeURIComponent(findingId)}`, label: 'Open in console' };
  }
  return undefined;
}

/** Kibana Discover with every finding of one run (used when a message is truncated). */
export function runFindingsUrl(settings: LinkSettings, pipelineId: string, runId: string): string | undefined {
  return kibanaDiscoverUrl(settings, `pipewatch.pipeline.id:${kqlString(pipelineId)} and pipewatch.run.id:${kqlString(runId)}`);
}

import type { ProfileSummary } from './cpu-profile.js';
import { formatTable } from './table.js';

/** The summary as three short tables: self time by function, by package, and pipewatch's inclusive time. */
export function formatProfileSummary(title: string, summary: ProfileSummary, rows = 12): string {
  const table = (label: string, shares: ProfileSummary['top_functions']): string =>
    formatTable([label, 'ms', '% of wall', '% of busy'], shares.slice(0, rows).map((share) => [share.name, share.ms, share.pct, share.busy_pct]));
  return [
    `${title}: ${summary.wall_ms} ms profiled, idle ${summary.idle_pct} %, GC ${summary.gc_pct} % (${summary.file})`,
    table('self time, by function', summary.top_functions),
    table('self time, by package', summary.by_package),
    table('inclusive time, pipewatch functions', summary.pipewatch_inclusive),
  ].join('\n\n');
}

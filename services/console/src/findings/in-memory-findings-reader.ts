import type { Finding } from '@pipewatch/shared';
import { compareCursors, cursorOf } from './finding-order.js';
import { findingPredicate } from './finding-filter.js';
import type { FindingsCursor, FindingsPage, FindingsQuery, FindingsReader, PipelineFindings } from './findings-reader.js';

export interface FindingsIndex extends FindingsReader {
  add(finding: Finding): void;
  clear(): void;
  size(): number;
}

/**
 * Findings held in memory, sorted oldest first so appends (the usual case) are
 * pushes; lists walk it backwards. Past `maxFindings` the oldest are dropped.
 * It is the NDJSON reader's index and the port's test double.
 */
export function createInMemoryFindingsReader(options: { maxFindings?: number; findings?: Finding[] } = {}): FindingsIndex {
  const maxFindings = options.maxFindings ?? 100_000;
  let sorted: { key: FindingsCursor; finding: Finding }[] = [];
  const ids = new Map<string, Finding>();

  const insertAt = (key: FindingsCursor): number => {
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (compareCursors(sorted[middle]!.key, key) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  };

  const index: FindingsIndex = {
    add(finding) {
      if (ids.has(finding.finding_id)) return;
      const key = cursorOf(finding);
      if (!Number.isFinite(key.at)) return;
      const last = sorted.at(-1);
      if (!last || compareCursors(last.key, key) <= 0) sorted.push({ key, finding });
      else sorted.splice(insertAt(key), 0, { key, finding });
      ids.set(finding.finding_id, finding);
      if (sorted.length > maxFindings) {
        for (const dropped of sorted.splice(0, sorted.length - maxFindings)) ids.delete(dropped.finding.finding_id);
      }
    },
    clear() {
      sorted = [];
      ids.clear();
    },
    size: () => sorted.length,
    async list(query: FindingsQuery): Promise<FindingsPage> {
      const matches = findingPredicate(query);
      // Walking newest to oldest, start just below the cursor (the cursor's own finding was on the last page).
      let start = sorted.length - 1;
      if (query.after) {
        start = insertAt(query.after) - 1;
        if (start >= 0 && compareCursors(sorted[start]!.key, query.after) === 0) start--;
      }
      const findings: Finding[] = [];
      let next: FindingsCursor | null = null;
      for (let position = start; position >= 0; position--) {
        const entry = sorted[position]!;
        if (!matches(entry.finding)) continue;
        if (findings.length === query.limit) {
          next = cursorOf(findings.at(-1)!);
          break;
        }
        findings.push(entry.finding);
      }
      let total = 0;
      for (const entry of sorted) if (matches(entry.finding)) total++;
      return { findings, next, total };
    },
    get: async (findingId) => ids.get(findingId),
    async byPipeline(): Promise<PipelineFindings[]> {
      const out = new Map<string, PipelineFindings>();
      // Oldest first, so the last one seen per pipeline is its newest.
      for (const { finding } of sorted) {
        const entry = out.get(finding.pipeline.id);
        if (entry) {
          entry.count++;
          entry.latest = finding;
        } else out.set(finding.pipeline.id, { pipelineId: finding.pipeline.id, count: 1, latest: finding });
      }
      return [...out.values()];
    },
  };

  for (const finding of options.findings ?? []) index.add(finding);
  return index;
}

import type { PipelineBaseline } from './domain/baseline.js';
import type { DetectorSettings } from './domain/settings.js';

/**
 * Remembers, per repository, a pipeline whose baseline already judges, so a new
 * pipeline of the same repository can borrow it while it learns. Best effort:
 * it knows the pipelines this detector has seen (its partitions).
 */
export function createRepositoryIndex(settings: DetectorSettings): {
  note(baseline: PipelineBaseline): void;
  siblingOf(repository: string | undefined, pipelineId: string): string | undefined;
} {
  const judged = new Map<string, string>();
  return {
    note(baseline) {
      if (baseline.repository && baseline.runs >= settings.minRuns) judged.set(baseline.repository, baseline.pipeline_id);
    },
    siblingOf(repository, pipelineId) {
      const sibling = repository ? judged.get(repository) : undefined;
      return sibling === pipelineId ? undefined : sibling;
    },
  };
}

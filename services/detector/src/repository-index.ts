import type { PipelineBaseline } from './domain/baseline.js';
import type { DetectorSettings } from './domain/settings.js';

/**
 * Remembers, per repository and job name, a pipeline whose baseline already
 * judges, so a new pipeline doing the same job in the same repository (the same
 * job in another workflow file, a renamed workflow) can borrow it while it
 * learns. Best effort: it knows the pipelines this detector has seen.
 */
export function createRepositoryIndex(settings: DetectorSettings): {
  note(baseline: PipelineBaseline): void;
  siblingOf(repository: string | undefined, pipelineId: string): string | undefined;
} {
  const judged = new Map<string, string>();
  return {
    note(baseline) {
      if (baseline.repository && baseline.runs >= settings.minRuns) judged.set(similarityKey(baseline.repository, baseline.pipeline_id), baseline.pipeline_id);
    },
    siblingOf(repository, pipelineId) {
      const sibling = repository ? judged.get(similarityKey(repository, pipelineId)) : undefined;
      return sibling === pipelineId ? undefined : sibling;
    },
  };
}

/** Pipeline ids end in the job's name (`github:owner/repo:workflow:job`). */
function similarityKey(repository: string, pipelineId: string): string {
  return `${repository}\u0000${pipelineId.slice(pipelineId.lastIndexOf(':') + 1)}`;
}

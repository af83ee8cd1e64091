import type { PipelineBaseline } from './domain/baseline.js';
import type { DetectorSettings } from './domain/settings.js';

export interface RepositoryIndex {
  note(baseline: PipelineBaseline): void;
  siblingOf(repository: string | undefined, pipelineId: string): string | undefined;
  /** A layer whose notes count at once for its own lookups, and reach this index only on `merge` (when a batch is saved). */
  layer(): RepositoryIndex & { merge(): void };
}

/**
 * Remembers, per repository and job name, a pipeline whose baseline already
 * judges, so a new pipeline doing the same job in the same repository (the same
 * job in another workflow file, a renamed workflow) can borrow it while it
 * learns. Best effort: it knows the pipelines this detector has seen.
 */
export function createRepositoryIndex(settings: DetectorSettings): RepositoryIndex {
  return indexOver(settings, new Map(), () => undefined);
}

function indexOver(settings: DetectorSettings, judged: Map<string, string>, below: (key: string) => string | undefined): RepositoryIndex {
  const lookup = (key: string): string | undefined => (judged.has(key) ? judged.get(key) : below(key));
  return {
    note(baseline) {
      if (baseline.repository && baseline.runs >= settings.minRuns) judged.set(similarityKey(baseline.repository, baseline.pipeline_id), baseline.pipeline_id);
    },
    siblingOf(repository, pipelineId) {
      const sibling = repository ? lookup(similarityKey(repository, pipelineId)) : undefined;
      return sibling === pipelineId ? undefined : sibling;
    },
    layer() {
      const own = new Map<string, string>();
      return { ...indexOver(settings, own, lookup), merge: () => own.forEach((id, key) => judged.set(key, id)) };
    },
  };
}

/** Pipeline ids end in the job's name (`github:owner/repo:workflow:job`). */
function similarityKey(repository: string, pipelineId: string): string {
  return `${repository}\u0000${pipelineId.slice(pipelineId.lastIndexOf(':') + 1)}`;
}

import type { RuleCategory, RunEvent, Severity } from '@pipewatch/shared';
import type { PipelineBaseline } from '../baseline.js';
import type { DetectorSettings } from '../settings.js';

export interface RuleContext {
  event: RunEvent;
  /** The baseline as it was before this run; rules only read it. */
  baseline: PipelineBaseline;
  settings: DetectorSettings;
  /** False while the pipeline has fewer than `minRuns` learned runs. */
  judging: boolean;
  /** A judged sibling (same repository) whose numeric baselines stand in while this one learns. */
  prior?: PipelineBaseline;
}

/** What a rule saw; the finding factory adds ids, time and the threat mapping. */
export interface Candidate {
  ruleId: string;
  ruleName: string;
  category: RuleCategory;
  severity: Severity;
  score: number;
  /** What in the run the finding is about (a host, a metric, a dependency). */
  subject: string;
  summary: string;
  evidence: Record<string, unknown>;
  /** OSC&R mitigation and detection ids this finding speaks to. */
  mitigations: string[];
  /**
   * For a change that is reported once (a new digest, a moved tag): the key the
   * baseline remembers, so later runs with the same change stay quiet.
   */
  onceKey?: string;
}

export type Rule = (context: RuleContext) => Candidate[];

export * from './baseline.js';
export * from './build-finding.js';
export * from './detect-run.js';
export * from './finding-id.js';
export * from './learn-run.js';
export * from './robust-stats.js';
export * from './settings.js';
export type { Candidate, Rule, RuleContext } from './rules/rule.js';

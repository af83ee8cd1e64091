import type { Severity } from '@pipewatch/shared';
import { pathShape, permissionRank } from '../normalize.js';
import { seenEntry, topSeen } from '../seen-set.js';
import type { Candidate, Rule, RuleContext } from './rule.js';

/** Places where a write outside the workspace means persistence or credential theft. */
const SENSITIVE_PATHS = [/^\/root\/\.ssh\b/, /\/\.ssh\//, /^\/etc\//, /\/\.bashrc$/, /\/\.profile$/, /\/\.docker\/config\.json$/, /\/\.npmrc$/, /\/\.pypirc$/, /\/\.gitconfig$/, /^\/usr\/(local\/)?s?bin\//, /\/actions-runner\//, /\/Runner\./];

/**
 * What the job left behind or was allowed to do: files written outside the
 * workspace in places never written before, and token scopes wider than ever.
 */
export const footprintRule: Rule = (context) => {
  if (!context.judging) return [];
  return [...fileFindings(context), ...permissionFindings(context)];
};

function fileFindings(context: RuleContext): Candidate[] {
  const seen = context.baseline.seen.files;
  const out: Candidate[] = [];
  const reported = new Set<string>();
  for (const path of context.event.access?.files_written ?? []) {
    const shape = pathShape(path);
    if (seenEntry(seen, shape) || reported.has(shape)) continue;
    reported.add(shape);
    const sensitive = SENSITIVE_PATHS.some((pattern) => pattern.test(path));
    const severity: Severity = sensitive ? 'high' : 'low';
    out.push({
      ruleId: 'access.file.new_outside_workspace',
      ruleName: 'New file written outside the workspace',
      category: 'access',
      severity,
      score: sensitive ? 0.8 : 0.35,
      subject: shape,
      summary: `The job wrote ${path} outside its workspace, a place none of its ${context.baseline.runs} runs wrote to${sensitive ? '; writes there persist access or plant credentials on the runner' : ''}: check which step did it.`,
      evidence: { observed: path, path_shape: shape, baseline: { runs: context.baseline.runs, usual_places: topSeen(seen, 10) } },
      mitigations: ['D1590', 'M1660'],
    });
  }
  return out;
}

function permissionFindings(context: RuleContext): Candidate[] {
  const known = context.baseline.permissions;
  const out: Candidate[] = [];
  for (const [scope, level] of Object.entries(context.event.access?.permissions ?? {})) {
    const usual = known[scope];
    if (usual !== undefined && permissionRank(level) <= permissionRank(usual)) continue;
    if (usual === undefined && permissionRank(level) < permissionRank('write')) continue;
    out.push({
      ruleId: 'access.permissions.widened',
      ruleName: 'Token permissions wider than usual',
      category: 'access',
      severity: 'medium',
      score: 0.6,
      subject: scope,
      summary: `The job's token had ${scope}: ${level}, more than the ${usual ?? 'none'} of its ${context.baseline.runs} earlier runs; check the workflow's permissions block and who changed it.`,
      evidence: { observed: { scope, level }, baseline: { runs: context.baseline.runs, usual_level: usual ?? 'none', usual_permissions: { ...known } } },
      mitigations: ['M1662'],
    });
  }
  return out;
}

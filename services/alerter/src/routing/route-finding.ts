import { severityRank, type Finding } from '@pipewatch/shared';
import { anyGlobMatches } from './glob.js';
import type { Route, RoutesConfig } from './routes-schema.js';

export type Router = (finding: Finding) => string[];

export function routeMatches(route: Pick<Route, 'min_severity' | 'categories' | 'rules' | 'repositories' | 'pipelines'>, finding: Finding): boolean {
  if (route.min_severity && severityRank(finding.severity) < severityRank(route.min_severity)) return false;
  if (route.categories && !route.categories.includes(finding.rule.category)) return false;
  return (
    anyGlobMatches(route.rules, finding.rule.id) &&
    anyGlobMatches(route.repositories, finding.pipeline.repository) &&
    anyGlobMatches(route.pipelines, finding.pipeline.id)
  );
}

/**
 * The destinations a finding goes to, each once, in the order routes name them.
 * Every matching route contributes; only when none matched does the default apply.
 */
export function createRouter(config: Pick<RoutesConfig, 'routes' | 'default'>): Router {
  return (finding) => {
    const matched = config.routes.filter((route) => routeMatches(route, finding));
    if (matched.length > 0) return [...new Set(matched.flatMap((route) => route.to))];
    if (config.default && routeMatches({ min_severity: config.default.min_severity }, finding)) return [...new Set(config.default.to)];
    return [];
  };
}

import type { FastifyInstance } from 'fastify';
import { registerConsoleBodyParsers } from './body-parsers.js';
import type { ConsoleDeps } from './console-deps.js';
import { registerFindingsRoutes } from './findings-routes.js';
import { registerPipelinesRoutes } from './pipelines-routes.js';
import { registerSuppressionsRoutes } from './suppressions-routes.js';
import { registerUiRoutes } from './ui-routes.js';

/**
 * Adds the console (pages under /ui) and its API (/v1/findings, /v1/pipelines,
 * /v1/suppressions) to a fastify app, in a scope of their own: the app's auth
 * hook guards them (registered before this), the body parsers stay local.
 */
export function registerConsole(app: FastifyInstance, deps: ConsoleDeps): void {
  void app.register(async (scope) => {
    registerConsoleBodyParsers(scope);
    registerFindingsRoutes(scope, deps);
    registerPipelinesRoutes(scope, deps);
    registerSuppressionsRoutes(scope, deps);
    registerUiRoutes(scope, deps);
  });
}

import Fastify, { type FastifyInstance } from 'fastify';
import { MAX_LOG_LINES, type Bus, type Logger, type TopicNames } from '@pipewatch/shared';
import { createBearerAuth } from './auth/bearer-auth.js';
import { registerAuthHook } from './http/auth-hook.js';
import { registerRawBodyParsers } from './http/body-parsers.js';
import { sendError } from './http/error-body.js';
import { registerErrorHandler } from './http/error-handler.js';
import { registerRequestMetricsHook } from './http/request-metrics-hook.js';
import type { EventDedupe } from './ingest/event-dedupe.js';
import type { FindingsFeed } from './ingest/findings-feed.js';
import { createRunEventPublisher, type PublishOutcome, type RunEventPublisher } from './ingest/publish-run-events.js';
import { wantsJobLog } from './enrich/enrich-service.js';
import { createLogBatchPublisher } from './logs/publish-log-batches.js';
import { createCollectorMetrics, type CollectorMetrics } from './metrics/collector-metrics.js';
import { registerEventsRoute } from './routes/events-route.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { registerLogsRoute } from './routes/logs-route.js';
import { registerMetricsRoute } from './routes/metrics-route.js';
import { registerGithubRoute } from './webhooks/github/github-route.js';
import { registerGitlabRoute } from './webhooks/gitlab/gitlab-route.js';
import { registerJenkinsRoute } from './webhooks/jenkins/jenkins-route.js';

export interface CollectorDeps {
  bus: Bus;
  topics: TopicNames;
  logger: Logger;
  /** Accepted bearer tokens; none means no auth (and listenCollector binds to loopback). */
  tokens?: string[];
  maxBodyBytes: number;
  dedupe: EventDedupe;
  /** Pass one to share a registry with the composition root; otherwise the app makes its own. */
  metrics?: CollectorMetrics;
  /**
   * Turns on POST /webhooks/github, verified with this secret. With `jobLogs`, finished jobs'
   * run events go to `runs.enrich` to be judged with their job log (startJobLogEnricher).
   */
  github?: { secret: string; jobLogs?: boolean };
  /** Turns on POST /webhooks/gitlab, checked against this token. */
  gitlab?: { token: string };
  /** Values of known secrets (e.g. of the env vars PIPEWATCH_SECRET_NAMES lists), masked wherever they appear. */
  knownSecretValues?: string[];
  /** Most log lines one POST /v1/logs may carry; default 10,000 (the schema's limit per batch). */
  maxLogLines?: number;
  /**
   * Extra routes served by the same server behind the same auth (the read-only
   * console and its API in the embedded default).
   */
  extensions?: ((app: FastifyInstance) => void)[];
  /** Recent findings by run: `POST /v1/events?wait_ms=` answers with them (embedded default). */
  findings?: FindingsFeed;
  /** PEM certificate (chain) and private key: the app serves HTTPS instead of HTTP. */
  tls?: { cert: string | Buffer; key: string | Buffer };
}

/** Builds the collector's HTTP app without listening, so tests can inject or bind port 0. */
export function buildCollectorApp(deps: CollectorDeps): FastifyInstance {
  const metrics = deps.metrics ?? createCollectorMetrics();
  // Fastify's own logger stays off: the app logs through our Logger, and only for 5xx.
  const options = { logger: false, bodyLimit: deps.maxBodyBytes } as const;
  // An HTTPS fastify is typed over https.Server; routes and hooks use nothing that differs.
  const app = (deps.tls ? Fastify({ ...options, https: { cert: deps.tls.cert, key: deps.tls.key } }) : Fastify(options)) as unknown as FastifyInstance;
  // Our own credentials are secrets too: a log that prints one must not pass it on.
  const knownSecretValues = [
    ...(deps.knownSecretValues ?? []),
    ...(deps.tokens ?? []),
    ...(deps.github ? [deps.github.secret] : []),
    ...(deps.gitlab ? [deps.gitlab.token] : []),
  ].filter((value) => value.length > 0);

  registerRawBodyParsers(app);
  registerErrorHandler(app, { logger: deps.logger, maxBodyBytes: deps.maxBodyBytes });
  registerRequestMetricsHook(app, metrics);
  registerAuthHook(app, createBearerAuth(deps.tokens ?? []));
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`));

  const publishRuns = createRunEventPublisher({ bus: deps.bus, topics: deps.topics, dedupe: deps.dedupe, metrics, knownSecretValues });
  const delivery = { publish: publishRuns, dedupe: deps.dedupe, metrics, logger: deps.logger };
  const githubPublish = deps.github?.jobLogs
    ? routeForJobLogs(publishRuns, createRunEventPublisher({ bus: deps.bus, topics: { ...deps.topics, runs: deps.topics.enrich }, dedupe: deps.dedupe, metrics, knownSecretValues }))
    : publishRuns;

  registerHealthRoutes(app, deps.bus);
  registerMetricsRoute(app, metrics);
  registerEventsRoute(app, { publish: publishRuns, metrics, logger: deps.logger, ...(deps.findings ? { findings: deps.findings } : {}) });
  registerLogsRoute(app, {
    publish: createLogBatchPublisher({ bus: deps.bus, topics: deps.topics, dedupe: deps.dedupe, metrics }),
    metrics,
    logger: deps.logger,
    maxLogLines: deps.maxLogLines ?? MAX_LOG_LINES,
    knownSecretValues,
  });
  registerGithubRoute(app, { ...delivery, publish: githubPublish, secret: deps.github?.secret });
  registerGitlabRoute(app, { ...delivery, token: deps.gitlab?.token });
  registerJenkinsRoute(app, delivery);
  for (const extend of deps.extensions ?? []) extend(app);
  return app;
}

/** Finished GitHub jobs go to the enrich topic (to wait for their log); everything else straight to runs. */
function routeForJobLogs(runs: RunEventPublisher, enrich: RunEventPublisher): RunEventPublisher {
  return async (events) => {
    const held = events.filter((item) => wantsJobLog(item.event));
    return held.length === 0 ? runs(events) : held.length === events.length ? enrich(events) : sumOutcomes(await enrich(held), await runs(events.filter((item) => !wantsJobLog(item.event))));
  };
}

function sumOutcomes(a: PublishOutcome, b: PublishOutcome): PublishOutcome {
  return { accepted: a.accepted + b.accepted, duplicates: a.duplicates + b.duplicates, redactions: a.redactions + b.redactions };
}

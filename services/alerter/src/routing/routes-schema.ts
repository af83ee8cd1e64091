import { z } from 'zod';
import { RuleCategory, Severity } from '@pipewatch/shared';

const DestinationName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lower-case letters, digits, "-" and "_", at most 64');

/** One pattern or a list of them; `*` matches any run of characters. */
const Patterns = z
  .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
  .transform((value) => (typeof value === 'string' ? [value] : value));

export const RateLimit = z.strictObject({
  /** Requests allowed per `interval_ms`. */
  limit: z.number().int().positive(),
  interval_ms: z.number().int().positive(),
});

const common = {
  /** The URL itself, or `url_env`: the name of an environment variable holding it (keeps secrets out of the file). */
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  url_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
  rate_limit: RateLimit.optional(),
  timeout_ms: z.number().int().positive().max(120_000).optional(),
  /** Attempts after the first, before the notification is dead-lettered. */
  retries: z.number().int().min(0).max(50).optional(),
};

export const SlackDestination = z.strictObject({ kind: z.literal('slack'), ...common });

export const WebhookDestination = z.strictObject({
  kind: z.literal('webhook'),
  ...common,
  secret: z.string().min(16, 'must be at least 16 characters').optional(),
  secret_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
  /** `finding`: one request per finding (the finding JSON); `run`: one `{findings: [...]}` per run. */
  body: z.enum(['finding', 'run']).default('finding'),
});

export const DestinationConfig = z
  .discriminatedUnion('kind', [SlackDestination, WebhookDestination])
  .refine((destination) => (destination.url === undefined) !== (destination.url_env === undefined), {
    error: 'give exactly one of url and url_env',
  })
  .refine((destination) => destination.kind !== 'webhook' || destination.secret === undefined || destination.secret_env === undefined, {
    error: 'give at most one of secret and secret_env',
  });
export type DestinationConfig = z.infer<typeof DestinationConfig>;

/** Every condition given must hold; a route without conditions matches every finding. */
export const Route = z.strictObject({
  name: z.string().min(1).max(100).optional(),
  min_severity: Severity.optional(),
  categories: z.array(RuleCategory).min(1).optional(),
  /** Rule ids or patterns, e.g. `access.egress.*`. */
  rules: Patterns.optional(),
  /** Patterns over pipeline.repository, e.g. `octo/*`. */
  repositories: Patterns.optional(),
  /** Patterns over pipeline.id. */
  pipelines: Patterns.optional(),
  to: z.array(DestinationName).min(1),
});
export type Route = z.infer<typeof Route>;

export const DefaultRoute = z.strictObject({
  min_severity: Severity.optional(),
  to: z.array(DestinationName),
});

/**
 * The routes file (YAML or JSON). Every route whose conditions hold adds its
 * destinations; a finding no route matched goes to `default` (nowhere without one).
 */
export const RoutesConfig = z
  .strictObject({
    destinations: z.record(DestinationName, DestinationConfig),
    routes: z.array(Route).default([]),
    default: DefaultRoute.optional(),
  })
  .superRefine((config, context) => {
    const known = new Set(Object.keys(config.destinations));
    const check = (names: string[], path: (string | number)[]): void => {
      names.forEach((name, index) => {
        if (!known.has(name)) context.addIssue({ code: 'custom', path: [...path, index], message: `unknown destination "${name}"` });
      });
    };
    config.routes.forEach((route, index) => check(route.to, ['routes', index, 'to']));
    if (config.default) check(config.default.to, ['default', 'to']);
  });
export type RoutesConfig = z.infer<typeof RoutesConfig>;

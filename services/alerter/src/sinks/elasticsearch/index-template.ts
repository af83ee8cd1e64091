import { PermanentError } from '@pipewatch/shared';

/** Index names ES accepts, narrowed to what a prefix in front of `-YYYY.MM` needs. */
const INDEX_PREFIX = /^[a-z0-9][a-z0-9._-]{0,199}$/;

export const DEFAULT_INDEX_PREFIX = 'pipewatch-findings';

export interface IndexTemplateRequest {
  /** The template is named after the prefix, so deployments with different prefixes do not collide. */
  name: string;
  version: number | undefined;
  body: Record<string, unknown>;
}

export function assertIndexPrefix(prefix: string): void {
  if (!INDEX_PREFIX.test(prefix)) {
    throw new PermanentError('invalid_index_prefix', `index prefix "${prefix}" must be lower-case letters, digits, ".", "-" or "_" and start with a letter or digit`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The shipped template (infra/elasticsearch/findings-index-template.json) aimed at
 * another prefix: indices `<prefix>-*`, read alias `<prefix>`. Everything else,
 * mappings and settings included, is taken as it is.
 */
export function templateForPrefix(template: Record<string, unknown>, prefix: string): IndexTemplateRequest {
  assertIndexPrefix(prefix);
  const inner = template.template;
  if (!isRecord(inner) || !isRecord(inner.mappings)) {
    throw new PermanentError('invalid_index_template', 'the index template has no template.mappings');
  }
  const body = structuredClone(template);
  body.index_patterns = [`${prefix}-*`];
  body.template = { ...structuredClone(inner), aliases: { [prefix]: {} } };
  return { name: prefix, version: typeof template.version === 'number' ? template.version : undefined, body };
}

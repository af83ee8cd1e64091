import { open } from 'node:fs/promises';

/** What the webhook payload behind a GitHub Actions run says about who started it, and from where. */
export interface GitHubEventContext {
  /** GITHUB_EVENT_NAME as given, e.g. `pull_request_target`. */
  trigger?: string;
  /** The payload's `sender.login`. */
  actor?: string;
  /** The code under test comes from another repository than the one the workflow runs in. */
  from_fork?: boolean;
  /** `owner/name` of the repository the head commit comes from. */
  head_repository?: string;
  head_sha?: string;
  /** The author's relation to the repository (OWNER, MEMBER, CONTRIBUTOR, FIRST_TIME_CONTRIBUTOR, NONE...). */
  author_association?: string;
  /** Why the payload could not be read or parsed; the other fields still hold what is known. */
  error?: string;
}

/** Push payloads with many commits get large; anything past this is not a payload we want in memory. */
export const MAX_EVENT_BYTES = 25 * 1024 * 1024;

/** Events whose payload carries `pull_request.head` and `.base`. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_target', 'pull_request_review', 'pull_request_review_comment']);

/**
 * Reads `$GITHUB_EVENT_PATH`. Never throws: a missing, oversized or malformed file gives an
 * `error` and whatever the event name alone says.
 */
export async function readGitHubEventContext(
  eventPath: string,
  eventName?: string,
  maxBytes: number = MAX_EVENT_BYTES,
): Promise<GitHubEventContext> {
  const trigger = eventName?.trim() || undefined;
  const base: GitHubEventContext = trigger ? { trigger } : {};
  let text: string;
  try {
    text = await readBounded(eventPath, maxBytes);
  } catch (error) {
    return { ...base, error: describe(error) };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    return { ...base, error: `event payload is not JSON: ${describe(error)}` };
  }
  if (!isObject(payload)) return { ...base, error: 'event payload is not a JSON object' };
  return { ...base, ...eventContextFromPayload(payload, trigger) };
}

/** The pure half: the fields one parsed payload gives. */
export function eventContextFromPayload(payload: Record<string, unknown>, eventName?: string): GitHubEventContext {
  const out: GitHubEventContext = {};
  const actor = str(obj(payload.sender)?.login);
  if (actor) out.actor = actor;

  const pr = obj(payload.pull_request);
  const workflowRun = obj(payload.workflow_run);
  // The payload's shape is the better guide when the name is absent (a local replay).
  if (pr && (eventName === undefined || PULL_REQUEST_EVENTS.has(eventName))) {
    const headRepo = obj(pr.head)?.repo;
    const baseName = str(obj(obj(pr.base)?.repo)?.full_name);
    const headName = str(obj(headRepo)?.full_name);
    if (headName) out.head_repository = headName;
    const headSha = str(obj(pr.head)?.sha);
    if (headSha) out.head_sha = headSha;
    if (headRepo === null) {
      // GitHub nulls head.repo once the head repository is deleted; a same-repository head cannot be.
      out.from_fork = true;
    } else if (headName && baseName) {
      out.from_fork = headName.toLowerCase() !== baseName.toLowerCase() || obj(headRepo)?.fork === true;
    }
  } else if (workflowRun && (eventName === undefined || eventName === 'workflow_run')) {
    // workflow_run runs with the base repository's secrets on behalf of a run that may be a fork's.
    const headName = str(obj(workflowRun.head_repository)?.full_name);
    const baseName = str(obj(workflowRun.repository)?.full_name) ?? str(obj(payload.repository)?.full_name);
    if (headName) out.head_repository = headName;
    const headSha = str(workflowRun.head_sha);
    if (headSha) out.head_sha = headSha;
    if (headName && baseName) out.from_fork = headName.toLowerCase() !== baseName.toLowerCase();
  } else {
    const after = str(payload.after);
    if (after) out.head_sha = after;
  }

  // The association of whoever wrote the thing that triggered the run: a comment or review beats the PR.
  const association =
    str(obj(payload.comment)?.author_association) ??
    str(obj(payload.review)?.author_association) ??
    str(pr?.author_association) ??
    str(obj(payload.issue)?.author_association);
  if (association) out.author_association = association;
  return out;
}

async function readBounded(path: string, maxBytes: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw new Error(`event payload is ${size} bytes, over the ${maxBytes} byte limit`);
    // Read at most one byte past the limit: the file may grow between stat and read.
    const buffer = Buffer.alloc(Math.min(size, maxBytes) + 1);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    if (filled > maxBytes) throw new Error(`event payload grew past the ${maxBytes} byte limit`);
    return buffer.toString('utf8', 0, filled);
  } finally {
    await handle.close();
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function obj(value: unknown): Record<string, unknown> | undefined {
  return isObject(value) ? value : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

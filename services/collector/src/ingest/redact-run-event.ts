import { mayContainSecret, redactText, type RunEvent } from '@pipewatch/shared';

export interface RunEventRedaction {
  /** The same object when nothing was found, so clean events are published byte for byte. */
  event: RunEvent;
  counts: Record<string, number>;
}

/**
 * Masks secrets in the free-text parts of a run event: attribute keys and string
 * values, step names, and the fields where a URL or command line can carry a
 * credential (run URL, dependency sources, process paths). Identifiers, times and
 * digests are left alone: they are the event's identity, not free text. Redacted
 * text is cut back to the schema's limit, since a mask can be longer than a short
 * known value it replaced.
 */
export function redactRunEvent(event: RunEvent, knownValues: readonly string[]): RunEventRedaction {
  const counts: Record<string, number> = {};
  // One look at all the free text together: a secret in any one part is in the whole,
  // so when the whole has nothing, no part needs its own pass.
  if (!mayContainSecret(freeText(event).join('\n'), knownValues)) return { event, counts };
  let changed = false;
  const clean = (value: string, max: number): string => {
    const result = redactText(value, knownValues);
    if (result.text === value) return value;
    changed = true;
    for (const [kind, n] of Object.entries(result.counts)) counts[kind] = (counts[kind] ?? 0) + n;
    return result.text.slice(0, max);
  };

  const redacted: RunEvent = { ...event };
  if (event.attributes) {
    redacted.attributes = Object.fromEntries(
      Object.entries(event.attributes).map(([key, value]) => [clean(key, 200), typeof value === 'string' ? clean(value, 2000) : value]),
    );
  }
  if (event.steps) redacted.steps = event.steps.map((step) => ({ ...step, name: clean(step.name, 500) }));
  if (event.run.url !== undefined) redacted.run = { ...event.run, url: clean(event.run.url, 2000) };
  if (event.dependencies) {
    redacted.dependencies = event.dependencies.map((dependency) =>
      dependency.source === undefined ? dependency : { ...dependency, source: clean(dependency.source, 2000) },
    );
  }
  if (event.access?.processes) {
    redacted.access = {
      ...event.access,
      processes: event.access.processes.map((process) => ({
        ...process,
        exe: clean(process.exe, 1000),
        ...(process.parent === undefined ? {} : { parent: clean(process.parent, 1000) }),
      })),
    };
  }
  return changed ? { event: redacted, counts } : { event, counts };
}

/** Every string `redactRunEvent` masks in, in no particular order. */
function freeText(event: RunEvent): string[] {
  const parts: string[] = [];
  if (event.attributes) {
    for (const [key, value] of Object.entries(event.attributes)) {
      parts.push(key);
      if (typeof value === 'string') parts.push(value);
    }
  }
  if (event.steps) for (const step of event.steps) parts.push(step.name);
  if (event.run.url !== undefined) parts.push(event.run.url);
  if (event.dependencies) for (const dependency of event.dependencies) if (dependency.source !== undefined) parts.push(dependency.source);
  if (event.access?.processes) {
    for (const process of event.access.processes) {
      parts.push(process.exe);
      if (process.parent !== undefined) parts.push(process.parent);
    }
  }
  return parts;
}

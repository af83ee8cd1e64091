/** The id a refused record says it has, so the caller can match the error to their record. */
export function claimedEventId(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const id = (value as Record<string, unknown>)['event_id'];
  return typeof id === 'string' && id.length > 0 ? id.slice(0, 200) : undefined;
}

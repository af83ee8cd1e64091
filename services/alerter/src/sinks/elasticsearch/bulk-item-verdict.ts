/** What one item of a bulk response means for the finding it carried. */
export type BulkItemVerdict = 'written' | 'duplicate' | 'retry' | 'rejected';

export interface BulkItemError {
  type?: string;
  reason?: string | null;
  caused_by?: { type?: string; reason?: string | null };
}

/**
 * 409 on a `create` means the id is already indexed, which for a deterministic
 * finding id is success. 429 and 5xx say "not now". Any other status says the
 * document itself cannot be indexed (a mapping conflict, a blocked index).
 */
export function bulkItemVerdict(status: number): BulkItemVerdict {
  if (status >= 200 && status < 300) return 'written';
  if (status === 409) return 'duplicate';
  if (status === 429 || status >= 500) return 'retry';
  return 'rejected';
}

/** ES's own words, including the cause, which usually names the offending field value. */
export function describeBulkItemError(status: number, error: BulkItemError | undefined): string {
  if (!error) return `status ${status}`;
  const head = `${error.type ?? 'error'}: ${error.reason ?? 'no reason given'}`;
  const cause = error.caused_by ? ` (caused by ${error.caused_by.type ?? 'error'}: ${error.caused_by.reason ?? ''})` : '';
  return `${status} ${head}${cause}`.slice(0, 600);
}

import { errorMessage, type Finding, type Logger } from '@pipewatch/shared';
import { findSuppression, type Suppression, type SuppressionStore } from '@pipewatch/alerter';

/**
 * Which findings an active suppression silences now. Read once per request; a
 * store that cannot be read marks nothing (and is logged) rather than hiding the
 * findings themselves.
 */
export async function suppressionsFor(
  store: SuppressionStore,
  findings: readonly Finding[],
  now: Date,
  logger: Logger,
): Promise<Map<string, Suppression>> {
  const out = new Map<string, Suppression>();
  if (findings.length === 0) return out;
  let suppressions: Suppression[];
  try {
    suppressions = await store.list();
  } catch (error) {
    logger.warn('suppressions could not be read for the console', { error: errorMessage(error) });
    return out;
  }
  for (const finding of findings) {
    const suppression = findSuppression(suppressions, finding, now);
    if (suppression) out.set(finding.finding_id, suppression);
  }
  return out;
}

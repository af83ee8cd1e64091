import type { Logger } from '@pipewatch/shared';
import type { BearerAuth } from '@pipewatch/collector';
import type { SuppressionStore } from '@pipewatch/alerter';
import type { BaselineReader } from '../baselines/baseline-reader.js';
import type { FindingsReader } from '../findings/findings-reader.js';

export interface ConsoleDeps {
  findings: FindingsReader;
  baselines: BaselineReader;
  /** Where the suppress button writes: the alerter's store (file, or Elasticsearch index). */
  suppressions: SuppressionStore;
  /**
   * The API's token check. The API routes are guarded by the server's auth hook;
   * the pages use this to answer a browser without a session with a login form.
   */
  auth: BearerAuth;
  /** PIPEWATCH_MIN_RUNS: below it a pipeline is "learning". */
  minRuns: number;
  logger: Logger;
  now?: () => Date;
}

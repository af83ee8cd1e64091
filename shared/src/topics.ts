/** Topic names, declared once. Services share nothing else. */
export interface TopicNames {
  runs: string;
  /** Finished GitHub jobs waiting for their job log, before `runs`. */
  enrich: string;
  logs: string;
  findings: string;
  deadLetter: string;
  baselines: string;
}

export function topicNames(prefix = 'pipewatch.'): TopicNames {
  return {
    runs: `${prefix}runs`,
    enrich: `${prefix}runs.enrich`,
    logs: `${prefix}logs`,
    findings: `${prefix}findings`,
    deadLetter: `${prefix}deadletter`,
    baselines: `${prefix}baselines`,
  };
}

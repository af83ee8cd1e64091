/** One action the runner fetched, as its log names it. */
export interface GitHubActionDownload {
  /** `owner/repo@ref` or `owner/repo/path@ref`, exactly as logged. */
  action: string;
  /** The commit the ref resolved to (40 hex, lower case). */
  sha: string;
  /** `Download action repository` (git tarball) or `Download immutable action package` (GHCR package). */
  kind: 'repository' | 'immutable';
  /** Immutable packages only: the package version and its sha256 digest. */
  version?: string;
  digest?: string;
  /**
   * 1 for the first `Getting action download info` round. The runner starts a further round
   * for the actions used inside composite actions, so round > 1 means nested.
   */
  round: number;
  /** Index into `steps` when the download happened during a step (a local composite action); absent during setup. */
  step?: number;
  /** True when fetched for a composite action rather than named by the workflow itself. */
  nested: boolean;
}

export interface GitHubStepFact {
  /** What follows `##[group]Run `: an action reference or the first line of a `run:` script. */
  run: string;
  /** The matching download when `run` names an action fetched by this job. */
  uses?: GitHubActionDownload;
  /** `gh run view --log` only: the step column (the step's display name). */
  name?: string;
  /** 0-based line number of the `##[group]Run` line. */
  line: number;
}

export interface GitHubRunnerFacts {
  version?: string;
  name?: string;
  groupName?: string;
  machineName?: string;
  os?: { name?: string; version?: string; lines: string[] };
  /** `Runner Image` group, or `Virtual Environment` in older logs (`Environment:` there). */
  image?: { image?: string; version?: string; includedSoftware?: string; imageRelease?: string };
  /** Body of the `Runner Image Provisioner` / `Virtual Environment Provisioner` group. */
  provisioner?: string[];
  /** True when the provisioner group names the `Hosted Compute Agent`. */
  hostedComputeAgent?: boolean;
  /** The pool in `Job is about to start running on the hosted runner: Hosted Agent (hosted)`: hosted, repository, organization... */
  assignedPool?: string;
}

export interface GitHubJobLogFacts {
  shape: 'rest' | 'gh-cli' | 'unknown';
  /** `gh run view --log` only: the job column of the first line. */
  job?: string;
  actions: GitHubActionDownload[];
  permissions: Record<string, string>;
  runner: GitHubRunnerFacts;
  /** See hostedFromRunner for the rule and its limits. */
  hosted: boolean | undefined;
  steps: GitHubStepFact[];
  /** `gh run view --log` only: every step column in order (includes `Set up job`, `Post ...`, `Complete job`). */
  stepNames: string[];
  firstTimestamp?: string;
  lastTimestamp?: string;
  lineCount: number;
}

export type GitLabExecutor =
  | 'docker' | 'docker+machine' | 'docker-autoscaler' | 'docker-windows' | 'instance'
  | 'kubernetes' | 'shell' | 'ssh' | 'virtualbox' | 'parallels' | 'custom' | (string & {});

export interface GitLabSection {
  name: string;
  /** Unix seconds from the `section_start` marker. */
  start: number;
  end?: number;
  /** end - start in seconds; absent while the section is open (truncated trace). */
  durationSeconds?: number;
  /** `[collapsed=true]` style options, raw. */
  options?: string;
  /** The visible header text printed right after the start marker. */
  header?: string;
}

export interface GitLabImage {
  /** What the job asked for, e.g. `ruby:3.1`. */
  name: string;
  /** Local image id, `sha256:...`. */
  id: string;
  /** Registry digest, e.g. `ruby@sha256:...`; older runners do not print it. */
  digest?: string;
}

export interface GitLabJobTraceFacts {
  runnerVersion?: string;
  runnerRevision?: string;
  /** `on <description> <short token>` line. */
  runnerDescription?: string;
  runnerShortToken?: string;
  runnerSystemId?: string;
  /** From `Preparing the "docker+machine" executor`, else from `Using Docker executor ...`. */
  executor?: GitLabExecutor;
  /** The `Using ... executor` text, e.g. `Shell (bash)`. */
  executorLine?: string;
  /** The job image named in `Using Docker|Kubernetes executor with image X ...`. */
  imageName?: string;
  /** The resolved job image (matched to imageName), with digest when printed. */
  image?: GitLabImage;
  /** Every `Using docker image ... for ...` line in the setup part (job image and services). */
  images: GitLabImage[];
  services: string[];
  /** `Running on <host> via <manager>...` */
  runningOn?: string;
  via?: string;
  /** true on `Created fresh repository.`, false on `Reinitialized existing Git repository`. */
  freshRepository?: boolean;
  /** See ephemeralFromExecutor. */
  ephemeral: boolean | undefined;
  sections: GitLabSection[];
  firstTimestamp?: string;
  lastTimestamp?: string;
  lineCount: number;
}

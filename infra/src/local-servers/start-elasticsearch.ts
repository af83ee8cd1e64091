import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupOrphans } from './cleanup-orphans.js';
import { ensureEsUser } from './es-user.js';
import { fetchElasticsearch } from './fetch-elasticsearch.js';
import { chownTree, linkTree } from './file-tree.js';
import { javaHome } from './java.js';
import { pickPorts } from './pick-ports.js';
import { toYaml, type Settings } from './properties.js';
import { ServerProcess, type ServerExit } from './server-process.js';
import { waitForReady } from './wait-ready.js';

export interface LocalElasticsearchOptions {
  /** HTTP port; a free one when omitted. */
  readonly httpPort?: number;
  /** Transport port (unused by clients, but must not clash); a free one when omitted. */
  readonly transportPort?: number;
  /** How long to wait for yellow health. Default 120 s. */
  readonly timeoutMs?: number;
  /** Extra elasticsearch.yml settings; they override the defaults. */
  readonly settings?: Settings;
  /**
   * Run in this dir instead of a fresh temp dir. A dir an earlier start left behind
   * (see keepData) is reused with its data: indices, templates, documents.
   */
  readonly dir?: string;
  /** stop() leaves the dir, so a start with `dir` and the same ports restarts this node. Default false. */
  readonly keepData?: boolean;
}

export interface LocalElasticsearch {
  /** e.g. 'http://127.0.0.1:40124'. No rest-root module: `GET /` answers 405, use health. */
  readonly url: string;
  readonly httpPort: number;
  readonly transportPort: number;
  /** The Elasticsearch server JVM (not the CLI launcher in front of it). */
  readonly pid: number;
  /** Per-start temp dir (linked home, config, data, logs); removed by stop() unless keepData. */
  readonly dir: string;
  /** Console output; the JSON and plain logs are in <dir>/logs. */
  readonly logFile: string;
  /** Settles when the launched process tree ends, whoever ended it. */
  readonly exited: Promise<ServerExit>;
  /** SIGTERM, up to 20 s for a clean shutdown, then SIGKILL; idempotent. */
  stop(): Promise<void>;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`, {
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) return false;
    const body = (await response.json()) as { status?: string };
    return body.status === 'yellow' || body.status === 'green';
  } catch {
    return false;
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A fresh single-node Elasticsearch on 127.0.0.1, security off, in its own temp dir. */
export async function startLocalElasticsearch(options: LocalElasticsearchOptions = {}): Promise<LocalElasticsearch> {
  const es = await fetchElasticsearch();
  await cleanupOrphans();
  const user = await ensureEsUser();
  const [httpPort, transportPort] = (await pickPorts([options.httpPort, options.transportPort])) as [number, number];
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'pipewatch-es-'));
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755); // the Elasticsearch user must be able to traverse it
  const home = join(dir, 'home');
  const config = join(dir, 'config');
  const data = join(dir, 'data');
  const logs = join(dir, 'logs');
  const tmp = join(dir, 'tmp');
  // A dir kept from an earlier start already has its home, config and data.
  const reused = existsSync(join(config, 'elasticsearch.yml'));
  try {
    if (!reused) {
      linkTree(es.home, home);
      // Copied, not linked: Elasticsearch writes its keystore here and we chown it.
      cpSync(join(es.home, 'config'), config, { recursive: true });
    }
    writeFileSync(
      join(config, 'elasticsearch.yml'),
      toYaml({
        'cluster.name': 'pipewatch-local',
        'node.name': 'pipewatch-local',
        'discovery.type': 'single-node',
        'network.host': '127.0.0.1',
        'http.port': httpPort,
        'transport.port': transportPort,
        'path.data': data,
        'path.logs': logs,
        'xpack.security.enabled': false,
        // Test machines often have full-ish disks; the watermarks would block writes.
        'cluster.routing.allocation.disk.threshold_enabled': false,
        // Tests delete indices by wildcard.
        'action.destructive_requires_name': false,
        ...options.settings,
      }),
    );
    for (const path of [data, logs, tmp]) mkdirSync(path, { recursive: true });
    if (user !== undefined) for (const path of [config, data, logs, tmp]) chownTree(path, user.uid, user.gid);
  } catch (error) {
    if (options.keepData !== true) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const launcher = join(home, 'bin', 'elasticsearch');
  const pidFile = join(logs, 'elasticsearch.pid');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ES_JAVA_HOME: javaHome(),
    ES_PATH_CONF: config,
    ES_TMPDIR: tmp,
    ES_JAVA_OPTS: '-Xms512m -Xmx512m',
  };
  delete env.JAVA_HOME; // Elasticsearch 8 only reads ES_JAVA_HOME and warns about JAVA_HOME
  const server = new ServerProcess({
    kind: 'elasticsearch',
    command: user === undefined ? launcher : 'runuser',
    args: user === undefined ? ['-p', pidFile] : ['-u', user.name, '--', launcher, '-p', pidFile],
    // Heap dumps and hs_err files land in the working dir: make it one the user can write.
    cwd: logs,
    env,
    dir,
    logFile: join(dir, 'console.log'),
    keepDir: options.keepData === true,
  });
  const url = `http://127.0.0.1:${httpPort}`;
  await waitForReady(server, 'Elasticsearch', () => healthy(url), options.timeoutMs ?? 120_000);
  // TERM goes to the server JVM itself: runuser answers TERM by killing its child after 2 s.
  server.mainPid = readPid(pidFile) ?? server.mainPid;
  return {
    url,
    httpPort,
    transportPort,
    pid: server.mainPid,
    dir,
    logFile: server.logFile,
    exited: server.exited,
    stop: () => server.stop(),
  };
}

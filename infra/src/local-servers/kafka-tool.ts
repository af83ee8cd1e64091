import { pathToFileURL } from 'node:url';
import { staticFile } from './cache.js';
import { fetchKafka } from './fetch-kafka.js';
import { javaBin } from './java.js';
import { runCommand, type CommandResult } from './run-command.js';

export interface KafkaToolOptions {
  /** Default 120 s. */
  readonly timeoutMs?: number;
}

/**
 * Runs one of Kafka's command-line classes from the fetched jars, e.g.
 * `runKafkaTool('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', b, '--list'])`.
 * Logging goes to stderr at WARN so stdout holds only the tool's answer.
 */
export async function runKafkaTool(
  mainClass: string,
  args: readonly string[],
  options: KafkaToolOptions = {},
): Promise<CommandResult> {
  const kafka = await fetchKafka();
  const log4j = pathToFileURL(staticFile('kafka-tools-log4j.properties')).href;
  return runCommand(
    javaBin(),
    ['-Xmx256m', '-XX:TieredStopAtLevel=1', `-Dlog4j.configuration=${log4j}`, '-cp', `${kafka.libs}/*`, mainClass, ...args],
    { timeoutMs: options.timeoutMs ?? 120_000 },
  );
}

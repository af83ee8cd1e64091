export { startLocalKafka, type LocalKafka, type LocalKafkaOptions } from './start-kafka.js';
export {
  startLocalElasticsearch,
  type LocalElasticsearch,
  type LocalElasticsearchOptions,
} from './start-elasticsearch.js';
export { cleanupOrphans, type CleanedServer, type CleanupOptions } from './cleanup-orphans.js';
export { fetchKafka, type KafkaInstall } from './fetch-kafka.js';
export { fetchElasticsearch, type ElasticsearchInstall } from './fetch-elasticsearch.js';
export { runKafkaTool, type KafkaToolOptions } from './kafka-tool.js';
export { ELASTICSEARCH_VERSION, KAFKA_VERSION, serversCacheDir } from './cache.js';
export type { CommandResult } from './run-command.js';
export type { ServerExit } from './server-process.js';
export type { Settings, SettingValue } from './properties.js';

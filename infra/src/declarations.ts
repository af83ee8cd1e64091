import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TopicSpec } from '@pipewatch/shared';

/** Files in infra/ that describe the deployment; code reads them, never copies them. */
export const INFRA_FILES = {
  kafkaTopics: fileURLToPath(new URL('../kafka/topics.json', import.meta.url)),
  findingsIndexTemplate: fileURLToPath(new URL('../elasticsearch/findings-index-template.json', import.meta.url)),
  kibanaSavedObjects: fileURLToPath(new URL('../kibana/pipewatch-saved-objects.ndjson', import.meta.url)),
} as const;

interface TopicDeclarations {
  defaults: { partitions: number; replicationFactor: number };
  /** `partitions` pins a topic that is not keyed by pipeline (so need not match the others). */
  topics: { name: string; partitions?: number; config: Record<string, string> }[];
}

export interface TopicOverrides {
  prefix: string;
  partitions?: number;
  replicationFactor?: number;
}

/** The topics of infra/kafka/topics.json with the deployment's prefix and sizing applied. */
export function kafkaTopicSpecs(overrides: TopicOverrides): TopicSpec[] {
  const declared = JSON.parse(readFileSync(INFRA_FILES.kafkaTopics, 'utf8')) as TopicDeclarations;
  return declared.topics.map((topic) => ({
    name: `${overrides.prefix}${topic.name}`,
    partitions: topic.partitions ?? overrides.partitions ?? declared.defaults.partitions,
    replicationFactor: overrides.replicationFactor ?? declared.defaults.replicationFactor,
    config: { ...topic.config },
  }));
}

export function readJsonFile(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

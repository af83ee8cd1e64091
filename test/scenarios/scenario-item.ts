import type { LogBatch, RunEvent } from '@pipewatch/shared';

/**
 * One input of a scenario stream, in arrival order. `causes` names the benign
 * changes the generator put into the item (a cache miss, an action release...),
 * so every false alarm can be traced to what provoked it; `attack` names the
 * incident an injected item belongs to.
 */
interface ItemBase {
  /** Arrival time, epoch ms: the stream is sorted by it. */
  at: number;
  causes: string[];
  attack?: string;
}

export interface RunItem extends ItemBase {
  kind: 'run';
  event: RunEvent;
}

export interface LogItem extends ItemBase {
  kind: 'log';
  batch: LogBatch;
}

export type ScenarioItem = RunItem | LogItem;

export function pipelineOf(item: ScenarioItem): string {
  return item.kind === 'run' ? item.event.pipeline.id : item.batch.pipeline.id;
}

export function runIdOf(item: ScenarioItem): string {
  return item.kind === 'run' ? item.event.run.id : item.batch.run.id;
}

export function eventIdOf(item: ScenarioItem): string {
  return item.kind === 'run' ? item.event.event_id : item.batch.event_id;
}

import type { Config } from '@pipewatch/shared';
import { DEFAULT_SETTINGS, type DetectorSettings } from '@pipewatch/detector';

export function settingsFromConfig(config: Config): DetectorSettings {
  return { ...DEFAULT_SETTINGS, minRuns: config.PIPEWATCH_MIN_RUNS };
}

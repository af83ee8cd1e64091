import { codecovBashUploader } from './codecov-bash-uploader.js';
import { forkPoisonedArtifact } from './fork-poisoned-artifact.js';
import { forkPrMiner } from './fork-pr-miner.js';
import type { Incident } from './incident.js';
import { secretExfiltration } from './secret-exfiltration.js';
import { sunspotBuildImplant } from './sunspot-build-implant.js';
import { tjActionsChangedFiles } from './tj-actions-changed-files.js';
import { ultralyticsCachePoisoning } from './ultralytics-cache-poisoning.js';

/** Every replayed incident, oldest first. */
export const INCIDENTS: readonly Incident[] = [
  sunspotBuildImplant,
  codecovBashUploader,
  forkPrMiner,
  ultralyticsCachePoisoning,
  forkPoisonedArtifact,
  tjActionsChangedFiles,
  secretExfiltration,
];

export { incidentStream, type ExpectedCatch, type Incident } from './incident.js';

export * from './common.js';
export * from './run-event.js';
export * from './log-batch.js';
export * from './finding.js';
export * from './issues.js';
export { PROTOTYPE_KEYS } from './safe-record.js';

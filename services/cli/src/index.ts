export { buildProgram, main } from './main.js';
export { startEmbedded, type RunningPipewatch } from './compose/embedded.js';
export { replayEvents, type ReplayOptions, type ReplaySummary } from './replay/replay-events.js';

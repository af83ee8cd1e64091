export * from './bus-port.js';
export * from './deliver.js';
export * from './in-memory-bus.js';
export * from './partition-for-key.js';

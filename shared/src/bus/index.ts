export * from './bus-port.js';
export * from './deliver.js';
export * from './in-memory-bus.js';
export * from './partition-for-key.js';
export * from './changelog-reader.js';
export * from './kafka-bus.js';
export * from './coalescing-publisher.js';

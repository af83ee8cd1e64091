export * from './contract/index.js';
export * from './bus/index.js';
export * from './config/index.js';
export * from './logging/index.js';
export * from './redact/index.js';
export * from './errors.js';
export * from './retry.js';
export * from './topics.js';

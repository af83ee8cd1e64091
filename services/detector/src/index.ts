export * from './domain/index.js';
export * from './baseline-store/baseline-store-port.js';
export * from './baseline-store/file-baseline-store.js';
export * from './baseline-store/in-memory-baseline-store.js';
export * from './detector-service.js';
export * from './baseline-store/changelog-baseline-store.js';
export * from './detection-engine.js';
export * from './baseline-store/baseline-text.js';

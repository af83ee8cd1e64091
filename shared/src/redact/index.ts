export * from './secret-patterns.js';
export * from './redact-text.js';

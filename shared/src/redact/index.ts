export * from './secret-patterns.js';
export * from './redact-text.js';
export * from './redact-lines.js';

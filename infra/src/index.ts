export * from './local-servers/index.js';
export * from './declarations.js';

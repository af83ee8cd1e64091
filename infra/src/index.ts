export * from './local-servers/index.js';

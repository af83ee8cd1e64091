export * from './sink-port.js';
export * from './bounded-id-set.js';
export * from './signing/sign-payload.js';
export * from './sinks/read-json-lines.js';
export * from './sinks/ndjson-file-sink.js';
export * from './sinks/webhook-target.js';
export * from './sinks/webhook-sink.js';
export * from './alerter-service.js';

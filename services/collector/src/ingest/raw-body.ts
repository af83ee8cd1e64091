/**
 * A request body as received: routes parse it themselves, to report line numbers
 * and, for webhooks, to verify a signature over the exact text that was signed.
 */
export interface RawBody {
  format: 'json' | 'ndjson' | 'text';
  text: string;
}

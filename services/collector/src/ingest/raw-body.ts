/** A request body as received: the route parses it itself so it can report line numbers. */
export interface RawBody {
  format: 'json' | 'ndjson';
  text: string;
}

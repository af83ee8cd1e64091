import type { NewSuppression, Suppression } from './suppression.js';

/** Where suppressions live: a JSON file in the data dir, or an Elasticsearch index. */
export interface SuppressionStore {
  /** Every stored suppression, expired ones included. */
  list(): Promise<Suppression[]>;
  add(suppression: NewSuppression): Promise<Suppression>;
  /** False when no suppression had that id. */
  remove(id: string): Promise<boolean>;
  close?(): Promise<void>;
}

import { distribution, roundDistribution, type Distribution } from './percentiles.js';

interface AnomalyTimes {
  /** performance.now() at the collector's 202 for the batch that carried the run. */
  acceptedAt: number;
  webhookAt?: number;
  searchableAt?: number;
  /** The finding's detected_at, as epoch ms (the detector's clock). */
  detectedAtMs?: number;
}

export interface LatencyReport {
  anomalies: number;
  to_webhook_ms: Distribution & { missing: number };
  to_searchable_ms: Distribution & { missing: number };
  /** 202 → the detector's detected_at: the collector-Kafka-detector share of the path. */
  to_detected_ms: Distribution & { missing: number };
}

/** Epoch ms of a performance.now() reading, to compare with the services' wall clocks. */
const epochOf = (monotonic: number): number => performance.timeOrigin + monotonic;

/** The anomalous runs of one load phase and when each reached the webhook and Elasticsearch. */
export function createAnomalyLedger(): {
  accepted(eventId: string, at: number): void;
  webhook(eventIds: readonly string[], at: number, detectedAt: string): void;
  searchable(eventIds: readonly string[], at: number, detectedAt: string): void;
  outstanding(): { webhook: number; searchable: number };
  report(): LatencyReport;
} {
  const runs = new Map<string, AnomalyTimes>();
  // A finding can beat its own 202 to the load generator (its event loop reads responses late under load):
  // such arrivals wait here for the acceptance, and count as 0 ms rather than being lost.
  const early = new Map<string, { key: 'webhookAt' | 'searchableAt'; at: number; detectedAt: string }[]>();
  const mark = (eventIds: readonly string[], key: 'webhookAt' | 'searchableAt', at: number, detectedAt: string): void => {
    for (const id of eventIds) {
      const times = runs.get(id);
      if (!times) {
        early.set(id, [...(early.get(id) ?? []), { key, at, detectedAt }]);
        continue;
      }
      if (times[key] !== undefined) continue;
      times[key] = at;
      const detected = Date.parse(detectedAt);
      if (times.detectedAtMs === undefined && Number.isFinite(detected)) times.detectedAtMs = detected;
    }
  };
  const summarize = (values: (number | undefined)[]): Distribution & { missing: number } => {
    const present = values.filter((value): value is number => value !== undefined);
    return { ...roundDistribution(distribution(present)), missing: values.length - present.length };
  };
  return {
    accepted(eventId, at) {
      runs.set(eventId, { acceptedAt: at });
      for (const arrival of early.get(eventId) ?? []) mark([eventId], arrival.key, Math.max(at, arrival.at), arrival.detectedAt);
      early.delete(eventId);
    },
    webhook: (eventIds, at, detectedAt) => mark(eventIds, 'webhookAt', at, detectedAt),
    searchable: (eventIds, at, detectedAt) => mark(eventIds, 'searchableAt', at, detectedAt),
    outstanding() {
      let webhook = 0;
      let searchable = 0;
      for (const times of runs.values()) {
        if (times.webhookAt === undefined) webhook++;
        if (times.searchableAt === undefined) searchable++;
      }
      return { webhook, searchable };
    },
    report() {
      const all = [...runs.values()];
      return {
        anomalies: all.length,
        to_webhook_ms: summarize(all.map((t) => (t.webhookAt === undefined ? undefined : t.webhookAt - t.acceptedAt))),
        to_searchable_ms: summarize(all.map((t) => (t.searchableAt === undefined ? undefined : t.searchableAt - t.acceptedAt))),
        to_detected_ms: summarize(all.map((t) => (t.detectedAtMs === undefined ? undefined : t.detectedAtMs - epochOf(t.acceptedAt)))),
      };
    },
  };
}

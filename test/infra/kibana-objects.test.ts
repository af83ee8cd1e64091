import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FINDING_SCHEMA, silentLogger, type Finding } from '@pipewatch/shared';
import { createElasticsearchSink } from '../../services/alerter/src/sinks/elasticsearch-sink.js';
import { indexNameFor } from '../../services/alerter/src/sinks/elasticsearch/finding-to-document.js';
import { elasticsearchUrl } from '../helpers/servers.js';

const SAVED_OBJECTS = new URL('../../infra/kibana/pipewatch-saved-objects.ndjson', import.meta.url);
const TEMPLATE = new URL('../../infra/elasticsearch/findings-index-template.json', import.meta.url);

interface Reference {
  id: string;
  name: string;
  type: string;
}
interface SavedObject {
  id: string;
  type: string;
  attributes: Record<string, any>;
  references: Reference[];
  coreMigrationVersion?: string;
  typeMigrationVersion?: string;
}

const lines = readFileSync(SAVED_OBJECTS, 'utf8').split('\n').filter((line) => line.trim().length > 0);
const template = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as Record<string, any>;

/** Parsed lines; the export summary Kibana appends is the last one and is not a saved object. */
function savedObjects(): SavedObject[] {
  return lines.map((line) => JSON.parse(line) as SavedObject).filter((object) => !('exportedCount' in object));
}

function byType(type: string): SavedObject[] {
  return savedObjects().filter((object) => object.type === type);
}

/** The attributes Kibana stores as JSON inside a string, per saved object type. */
const NESTED_JSON: Record<string, string[]> = {
  'index-pattern': ['fields', 'fieldFormatMap', 'fieldAttrs', 'runtimeFieldMap', 'sourceFilters', 'typeMeta'],
  search: ['kibanaSavedObjectMeta.searchSourceJSON'],
  visualization: ['visState', 'uiStateJSON', 'kibanaSavedObjectMeta.searchSourceJSON'],
  dashboard: ['panelsJSON', 'optionsJSON', 'kibanaSavedObjectMeta.searchSourceJSON'],
};

function attributeAt(object: SavedObject, path: string): unknown {
  return path.split('.').reduce<any>((value, key) => value?.[key], object.attributes);
}

function nestedJson<T = any>(object: SavedObject, path: string): T {
  const raw = attributeAt(object, path);
  assert.equal(typeof raw, 'string', `${object.type} ${object.id}: ${path} is a JSON string`);
  return JSON.parse(raw as string) as T;
}

/** Every path the template maps, with its type ('object' for plain object fields). */
function mappedFields(): Map<string, string> {
  const fields = new Map<string, string>();
  const walk = (properties: Record<string, any>, prefix: string): void => {
    for (const [name, mapping] of Object.entries(properties)) {
      const path = `${prefix}${name}`;
      fields.set(path, mapping.type ?? 'object');
      if (mapping.properties) walk(mapping.properties, `${path}.`);
      for (const [sub, subMapping] of Object.entries<Record<string, any>>(mapping.fields ?? {})) fields.set(`${path}.${sub}`, subMapping.type);
    }
  };
  walk(template.template.mappings.properties, '');
  return fields;
}

const AGGREGATABLE = new Set(['keyword', 'date', 'long', 'float', 'boolean']);

describe('Kibana saved objects (infra/kibana)', () => {
  it('is NDJSON: one JSON object per line, ending with the export summary that counts them', () => {
    const parsed = lines.map((line, index) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch (error) {
        throw new Error(`line ${index + 1} does not parse: ${(error as Error).message}`);
      }
    });
    for (const object of parsed) assert.equal(typeof object, 'object');
    const summary = parsed.at(-1)!;
    assert.equal(summary.exportedCount, parsed.length - 1);
    assert.equal(summary.missingRefCount, 0);
  });

  it('gives every object the export envelope and a unique id', () => {
    const objects = savedObjects();
    assert.deepEqual(objects.map((object) => object.type).sort(), ['dashboard', 'index-pattern', 'search', 'visualization', 'visualization', 'visualization']);
    for (const object of objects) {
      assert.equal(typeof object.id, 'string');
      assert.equal(typeof object.attributes, 'object');
      assert.ok(Array.isArray(object.references), `${object.id} has references[]`);
      assert.match(object.coreMigrationVersion ?? '', /^8\.\d+\.\d+$/);
      assert.match(object.typeMigrationVersion ?? '', /^\d+\.\d+\.\d+$/);
      assert.equal(typeof object.attributes.title, 'string');
    }
    const keys = objects.map((object) => `${object.type}/${object.id}`);
    assert.equal(new Set(keys).size, keys.length);
  });

  it('stores valid JSON in every nested JSON string', () => {
    for (const object of savedObjects()) {
      const expected = NESTED_JSON[object.type];
      assert.ok(expected, `unexpected type ${object.type}`);
      for (const path of expected) nestedJson(object, path);
      // And nothing named *JSON anywhere else is left unparsed.
      const walk = (value: Record<string, unknown>, prefix: string): void => {
        for (const [key, item] of Object.entries(value)) {
          if (key.endsWith('JSON')) assert.doesNotThrow(() => JSON.parse(item as string), `${object.id}: ${prefix}${key}`);
          else if (item && typeof item === 'object' && !Array.isArray(item)) walk(item as Record<string, unknown>, `${prefix}${key}.`);
        }
      };
      walk(object.attributes, '');
    }
  });

  it('matches every panelRefName with a reference named <panelIndex>:<panelRefName>', () => {
    const [dashboard] = byType('dashboard');
    const panels = nestedJson<{ panelIndex: string; panelRefName: string; type: string; gridData: { i: string } }[]>(dashboard!, 'panelsJSON');
    assert.ok(panels.length > 0);
    for (const panel of panels) {
      assert.equal(panel.gridData.i, panel.panelIndex);
      const reference = dashboard!.references.find((candidate) => candidate.name === `${panel.panelIndex}:${panel.panelRefName}`);
      assert.ok(reference, `panel ${panel.panelIndex} (${panel.panelRefName}) has a reference`);
      assert.equal(reference.type, panel.type);
    }
    assert.equal(dashboard!.references.length, panels.length, 'no reference without a panel');
  });

  it('matches every indexRefName with a reference to the data view', () => {
    const [dataView] = byType('index-pattern');
    for (const object of savedObjects()) {
      if (!attributeAt(object, 'kibanaSavedObjectMeta.searchSourceJSON')) continue;
      const source = nestedJson<{ indexRefName?: string }>(object, 'kibanaSavedObjectMeta.searchSourceJSON');
      if (object.type === 'dashboard') continue; // a dashboard's own query names no index
      assert.ok(source.indexRefName, `${object.id} names its index through a reference`);
      const reference = object.references.find((candidate) => candidate.name === source.indexRefName);
      assert.ok(reference, `${object.id}: reference ${source.indexRefName}`);
      assert.deepEqual({ id: reference.id, type: reference.type }, { id: dataView!.id, type: 'index-pattern' });
    }
  });

  it('points every reference at an object of that type in the file', () => {
    const present = new Set(savedObjects().map((object) => `${object.type}/${object.id}`));
    for (const object of savedObjects()) {
      for (const reference of object.references) assert.ok(present.has(`${reference.type}/${reference.id}`), `${object.id} -> ${reference.type}/${reference.id}`);
    }
  });

  it('puts the three visualizations and the saved search on the dashboard', () => {
    const [dashboard] = byType('dashboard');
    const onDashboard = dashboard!.references.map((reference) => `${reference.type}/${reference.id}`).sort();
    const expected = [...byType('visualization'), ...byType('search')].map((object) => `${object.type}/${object.id}`).sort();
    assert.deepEqual(onDashboard, expected);
  });

  it('describes the findings data view: title pipewatch-findings*, time field @timestamp', () => {
    const [dataView] = byType('index-pattern');
    assert.equal(dataView!.attributes.title, 'pipewatch-findings*');
    assert.equal(dataView!.attributes.timeFieldName, '@timestamp');
    const [search] = byType('search');
    assert.equal(search!.attributes.title, 'pipewatch findings');
    assert.deepEqual(search!.attributes.sort, [['@timestamp', 'desc']]);
  });

  it('names only fields the index template maps, and aggregates only aggregatable ones', () => {
    const mapped = mappedFields();
    const named: { field: string; by: string; aggregated: boolean }[] = [];
    const [dataView] = byType('index-pattern');
    named.push({ field: dataView!.attributes.timeFieldName as string, by: 'data view time field', aggregated: true });
    for (const field of Object.keys(nestedJson(dataView!, 'fieldFormatMap'))) named.push({ field, by: 'fieldFormatMap', aggregated: false });
    for (const field of Object.keys(nestedJson(dataView!, 'fieldAttrs'))) named.push({ field, by: 'fieldAttrs', aggregated: false });
    for (const filter of nestedJson<{ value: string }[]>(dataView!, 'sourceFilters')) named.push({ field: filter.value, by: 'sourceFilters', aggregated: false });
    for (const search of byType('search')) {
      for (const field of search.attributes.columns as string[]) named.push({ field, by: `${search.id} columns`, aggregated: false });
      for (const [field] of search.attributes.sort as [string, string][]) named.push({ field, by: `${search.id} sort`, aggregated: true });
    }
    for (const vis of byType('visualization')) {
      const state = nestedJson<{ aggs: { params: { field?: string } }[] }>(vis, 'visState');
      for (const agg of state.aggs) if (agg.params.field) named.push({ field: agg.params.field, by: vis.id, aggregated: true });
    }
    assert.ok(named.length >= 10);
    for (const { field, by, aggregated } of named) {
      assert.ok(mapped.has(field), `${by} names ${field}, which the template does not map`);
      if (aggregated) assert.ok(AGGREGATABLE.has(mapped.get(field)!), `${by} aggregates ${field} of type ${mapped.get(field)}`);
    }
    assert.equal(mapped.get('@timestamp'), 'date');
  });
});

async function es(url: string, method: string, path: string): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${url}${path}`, { method });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe('Kibana data view against Elasticsearch @integration', function () {
  this.timeout(180_000);
  let url: string;

  before(async () => {
    url = await elasticsearchUrl();
  });

  it('resolves the data view title to a findings index whose time field is a date', async () => {
    const [dataView] = byType('index-pattern');
    const title = dataView!.attributes.title as string;
    const timeField = dataView!.attributes.timeFieldName as string;
    const finding: Finding = {
      schema: FINDING_SCHEMA,
      finding_id: `kibana-test-${randomUUID()}`,
      detected_at: new Date().toISOString(),
      rule: { id: 'integrity.artifact.unsigned_exec', name: 'Unsigned artifact executed', category: 'integrity' },
      severity: 'high',
      score: 0.8,
      pipeline: { id: 'github:octo/app:ci.yml:build' },
      run: { id: 'run-1' },
      event_ids: ['evt-1'],
      summary: 'an unsigned artifact ran in the build job.',
      evidence: { artifact: 'tool.bin' },
    };
    // Uses the real prefix the data view targets; only what this test created is removed afterwards.
    const templateExisted = (await es(url, 'GET', '/_index_template/pipewatch-findings')).status === 200;
    const indicesBefore = new Set(((await es(url, 'GET', '/_resolve/index/pipewatch-findings-*')).body.indices as { name: string }[]).map((index) => index.name));
    const sink = createElasticsearchSink({
      url,
      logger: silentLogger(),
      template,
      retry: { retries: 3, minDelayMs: 50, maxDelayMs: 500 },
      refresh: 'wait_for',
    });
    try {
      await sink.write([finding]);

      const resolved = await es(url, 'GET', `/_resolve/index/${encodeURIComponent(title)}`);
      assert.equal(resolved.status, 200);
      const names = (resolved.body.indices as { name: string }[]).map((index) => index.name);
      assert.ok(names.some((name) => /^pipewatch-findings-\d{4}\.\d{2}$/.test(name)), `resolved ${names.join(', ')}`);

      const caps = await es(url, 'GET', `/${encodeURIComponent(title)}/_field_caps?fields=${encodeURIComponent(timeField)}`);
      assert.equal(caps.status, 200);
      assert.deepEqual(Object.keys(caps.body.fields[timeField]), ['date']);
      assert.equal(caps.body.fields[timeField].date.aggregatable, true);
    } finally {
      await sink.close();
      const created = ((await es(url, 'GET', '/_resolve/index/pipewatch-findings-*')).body.indices as { name: string }[])
        .map((index) => index.name)
        .filter((name) => !indicesBefore.has(name));
      for (const name of created) await es(url, 'DELETE', `/${name}`);
      // The month's index was there before: take out only our document.
      if (created.length === 0) await es(url, 'DELETE', `/${indexNameFor('pipewatch-findings', finding.detected_at)}/_doc/${finding.finding_id}?refresh=true`);
      if (!templateExisted) await es(url, 'DELETE', '/_index_template/pipewatch-findings');
    }
  });
});

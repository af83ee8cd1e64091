/**
 * Sets `refresh_interval` in an installed index template, for indices created
 * after it: a what-if knob (`--es-refresh-interval`) to measure how much of the
 * searchable latency is Elasticsearch's refresh, without changing the shipped template.
 */
export async function setTemplateRefreshInterval(esUrl: string, templateName: string, interval: string): Promise<void> {
  const url = `${esUrl}/_index_template/${encodeURIComponent(templateName)}`;
  const got = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!got.ok) throw new Error(`GET ${url} answered ${got.status}`);
  const body = (await got.json()) as { index_templates?: { index_template: { template?: { settings?: { index?: Record<string, unknown> } } } }[] };
  const template = body.index_templates?.[0]?.index_template;
  if (!template) throw new Error(`index template ${templateName} not found`);
  template.template ??= {};
  template.template.settings ??= {};
  template.template.settings.index = { ...template.template.settings.index, refresh_interval: interval };
  const put = await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(template), signal: AbortSignal.timeout(10_000) });
  if (!put.ok) throw new Error(`PUT ${url} answered ${put.status}: ${(await put.text()).slice(0, 300)}`);
}

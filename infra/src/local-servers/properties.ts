export type SettingValue = string | number | boolean;
export type Settings = Readonly<Record<string, SettingValue>>;

/** Java .properties text; backslashes are escapes there, so double them. */
export function toProperties(settings: Settings): string {
  return Object.entries(settings)
    .map(([key, value]) => `${key}=${String(value).replaceAll('\\', '\\\\')}\n`)
    .join('');
}

/** elasticsearch.yml text; strings as JSON, which YAML reads as double-quoted scalars. */
export function toYaml(settings: Settings): string {
  return Object.entries(settings)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? JSON.stringify(value) : String(value)}\n`)
    .join('');
}

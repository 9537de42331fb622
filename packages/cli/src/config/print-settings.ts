/**
 * `tacet server --print-config`: the effective settings as a TOML file that
 * could be fed back, each line saying where its value came from. Secrets are
 * never printed, only whether they are set.
 */
import type { LoadedSetting } from './load-settings.js';

function tomlValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

export function printSettings(loaded: readonly LoadedSetting[]): string {
  const lines: string[] = [];
  let section = '';
  for (const { setting, value, source } of loaded) {
    const dot = setting.key.indexOf('.');
    const here = dot < 0 ? '' : setting.key.slice(0, dot);
    const name = dot < 0 ? setting.key : setting.key.slice(dot + 1);
    if (here !== section) {
      lines.push('', `[${here}]`);
      section = here;
    }
    const from = `# ${source === 'environment' ? setting.env : source}`;
    if (value === undefined) lines.push(`# ${name} is not set`);
    else if (setting.secret) lines.push(`# ${name} is set (hidden) ${from}`);
    else lines.push(`${name} = ${tomlValue(value)} ${from}`);
  }
  return `${lines.join('\n').trimStart()}\n`;
}

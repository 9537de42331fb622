/**
 * Loads `tacet server`'s settings from four layers, the first that sets a
 * key winning: flags, then `TACET_*` environment variables, then the TOML
 * config file, then the defaults. Every error names the key, where the bad
 * value came from, and what is allowed.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { CliError } from '../cli-error.js';
import { type MutableServerConfig, SERVER_SETTINGS, type Setting } from './server-settings.js';
import { ValueError } from './value-kinds.js';

export type Source = 'flag' | 'environment' | 'file' | 'default';

export interface LoadedSetting {
  readonly setting: Setting;
  readonly value: unknown;
  readonly source: Source;
}

export interface SettingsInput {
  /** Flag values by setting flag name (as commander gives them, camelCased or not). */
  flags: Record<string, string | undefined>;
  env: NodeJS.ProcessEnv;
  /** Path of the TOML file, if one is used. */
  file?: string;
  /** Defaults the command computes (e.g. the data directory), by key. */
  defaults?: Record<string, unknown>;
}

/** Flattens a parsed TOML document into dotted keys, rejecting unknown ones by name. */
function flatten(doc: Record<string, unknown>, file: string): Map<string, unknown> {
  const known = new Set(SERVER_SETTINGS.map((s) => s.key));
  const sections = new Set(
    SERVER_SETTINGS.filter((s) => s.key.includes('.')).map((s) => s.key.split('.')[0]),
  );
  const out = new Map<string, unknown>();
  for (const [name, value] of Object.entries(doc)) {
    if (sections.has(name) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, v] of Object.entries(value)) out.set(`${name}.${inner}`, v);
    } else out.set(name, value);
  }
  for (const key of out.keys()) {
    if (known.has(key)) continue;
    const section = key.includes('.') ? key.split('.')[0] : undefined;
    const near = [...known].filter((k) => (section ? k.startsWith(`${section}.`) : !k.includes('.')));
    throw new CliError(
      `${file}: unknown key "${key}"; allowed ${section ? `in [${section}]` : 'at the top'}: ${near.join(', ') || [...sections].map((s) => `[${s}]`).join(', ')}`,
      2,
    );
  }
  return out;
}

function readFile(file: string): Map<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read the config file ${file} (${(e as NodeJS.ErrnoException).code})`, 2);
  }
  try {
    return flatten(parseToml(text) as Record<string, unknown>, file);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`${file} is not valid TOML: ${(e as Error).message.split('\n')[0]}`, 2);
  }
}

function flagName(s: Setting): string {
  return s.flag ? `--${s.flag}` : '';
}

/** The camelCase property commander uses for `--some-flag`. */
function flagProperty(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Resolves every setting to its value and the layer it came from. */
export function loadSettings(input: SettingsInput): LoadedSetting[] {
  const fileValues = input.file ? readFile(input.file) : new Map<string, unknown>();
  const fileDir = input.file ? dirname(resolve(input.file)) : process.cwd();
  return SERVER_SETTINGS.map((setting) => {
    const flag = setting.flag ? input.flags[flagProperty(setting.flag)] : undefined;
    const layers: [Source, unknown, string, string][] = [
      ['flag', flag, flagName(setting), process.cwd()],
      ['environment', input.env[setting.env], setting.env, process.cwd()],
      ['file', fileValues.get(setting.key), `${input.file}: ${setting.key}`, fileDir],
    ];
    for (const [source, raw, where, base] of layers) {
      if (raw === undefined || raw === '') continue;
      let value: unknown;
      try {
        value = setting.kind.parse(raw);
      } catch (e) {
        if (!(e instanceof ValueError)) throw e;
        const shown = setting.secret ? '(hidden)' : JSON.stringify(raw);
        throw new CliError(`${where} = ${shown} is not allowed: ${setting.key} takes ${e.message}`, 2);
      }
      if (setting.path && typeof value === 'string' && !isAbsolute(value)) value = resolve(base, value);
      return { setting, value, source };
    }
    const value = input.defaults?.[setting.key] ?? setting.fallback();
    return { setting, value, source: 'default' as const };
  });
}

/** The server config the loaded settings describe. */
export function toServerConfig(loaded: readonly LoadedSetting[]): MutableServerConfig {
  const config = { dataDir: '' } as MutableServerConfig;
  for (const { setting, value } of loaded) if (value !== undefined) setting.apply(config, value);
  return config;
}

import { createHash, hash as digest } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Keywords } from '../template/call-args.js';
import { envDigests, newEnvSalt, sameEnv, type EnvDigests } from './env-digest.js';
import type { RefCall, SourceCall } from '../template/parse-scope.js';

/** Bump when what the parse pass records changes shape. */
const CACHE_VERSION = 3;

/** What the parse pass learns from one template. */
export interface ParseResult {
  refs: Omit<RefCall, 'at'>[];
  sources: Omit<SourceCall, 'at'>[];
  config: Keywords;
  macros: string[];
}

interface Entry extends ParseResult {
  /** sha1 of the template text. */
  hash: string;
  /** Env vars the template read, with digests of the values they had (null: unset); never the values. */
  env: EnvDigests;
}

/**
 * Parse results of the last load, in target/partial_parse.json, so an unchanged file is not
 * rendered again. An entry is used only when the template text is the same and every env var it
 * read still has the same value; everything else a render can see (macros, vars, the target, the
 * project file) is in the cache key, and a different key discards the whole cache.
 */
export class ParseCache {
  private entries: Record<string, Entry> = {};
  private readonly next: Record<string, Entry> = {};
  /** Parsed YAML properties files by path: the text's hash and the value. */
  private yaml: Record<string, [hash: string, value: unknown]> = {};
  private readonly nextYaml: Record<string, [hash: string, value: unknown]> = {};
  /** The text each entry of this load was made from: the same string needs no hashing again. */
  private readonly texts = new Map<string, string>();
  /** Salts the env digests; kept with the file so its entries stay comparable. */
  private salt = newEnvSalt();
  hits = 0;
  misses = 0;

  constructor(
    private readonly file: string,
    private readonly key: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    if (!existsSync(file)) return;
    try {
      const saved = JSON.parse(readFileSync(file, 'utf8')) as {
        key?: string;
        salt?: string;
        entries?: Record<string, Entry>;
        yaml?: Record<string, [string, unknown]>;
      };
      if (saved.key !== key || typeof saved.salt !== 'string') return;
      this.salt = saved.salt;
      if (saved.entries) this.entries = saved.entries;
      if (saved.yaml) this.yaml = saved.yaml;
    } catch {
      // A damaged cache is just an empty one.
    }
  }

  /** The cached result for this text, when still valid. */
  get(file: string, text: string): ParseResult | undefined {
    const entry = this.entries[keyOf(file, text)];
    if (entry && entry.hash === hash(text) && sameEnv(this.salt, entry.env, this.env)) {
      this.hits++;
      this.next[keyOf(file, text)] = entry;
      this.texts.set(keyOf(file, text), text);
      return entry;
    }
    this.misses++;
    return undefined;
  }

  /** Records a fresh result (only for templates that parsed without errors). */
  put(file: string, text: string, result: ParseResult, envUsed: Iterable<string>): void {
    const env = envDigests(
      this.salt,
      [...envUsed].map((name) => [name, this.env[name]]),
    );
    this.next[keyOf(file, text)] = { ...result, hash: hash(text), env };
    this.texts.set(keyOf(file, text), text);
  }

  /** The result this load recorded for a template (reused or fresh), if it parsed cleanly. */
  result(file: string, text: string): ParseResult | undefined {
    const key = keyOf(file, text);
    const entry = this.next[key];
    if (!entry || (this.texts.get(key) !== text && entry.hash !== hash(text))) return undefined;
    return { refs: entry.refs, sources: entry.sources, config: entry.config, macros: entry.macros };
  }

  /** The value of a YAML file parsed by an earlier load, when its text is the same. */
  yamlValue(file: string, text: string): { value: unknown } | undefined {
    const saved = this.yaml[file];
    if (!saved || saved[0] !== hash(text)) return undefined;
    this.nextYaml[file] = saved;
    return { value: saved[1] };
  }

  /** Records the value of a YAML file that parsed cleanly. */
  putYaml(file: string, text: string, value: unknown): void {
    this.nextYaml[file] = [hash(text), value];
  }

  /** Writes the entries used or made by this load. */
  save(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    writeFileSync(this.file, JSON.stringify({ key: this.key, salt: this.salt, entries: this.next, yaml: this.nextYaml }));
  }
}

// Several templates can share a file (tests declared in one YAML file), so the text's length joins
// the file name in the key; the hash check makes any collision harmless.
function keyOf(file: string, text: string): string {
  return `${file}\u0000${text.length}`;
}

function hash(text: string): string {
  return digest('sha1', text, 'base64'); // one call: createHash().update().digest() costs more per small text
}

/** The cache key: everything besides a template's own text that its parse result depends on. */
export function parseCacheKey(parts: Record<string, unknown>): string {
  return createHash('sha1')
    .update(JSON.stringify({ v: CACHE_VERSION, ...parts }))
    .digest('base64');
}

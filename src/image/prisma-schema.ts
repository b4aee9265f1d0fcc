/** The generator and datasource blocks of a Prisma schema, with the line of each setting. Pure. */

export interface Setting {
  readonly value: string | string[];
  readonly line: number;
}

export interface Generator {
  readonly name: string;
  /** Line of `generator name {`. */
  readonly line: number;
  readonly provider?: Setting;
  readonly output?: Setting;
  readonly binaryTargets?: Setting;
  readonly engineType?: Setting;
}

export interface PrismaSchema {
  readonly generators: readonly Generator[];
  readonly datasourceProvider?: string;
}

/** The providers that generate a Prisma client (other generators, e.g. ERD tools, are ignored). */
export const CLIENT_PROVIDERS = ['prisma-client-js', 'prisma-client'];

function value(raw: string): string | string[] {
  const text = raw.replace(/\s*\/\/.*$/, '').trim();
  if (text.startsWith('[')) {
    return [...text.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
  }
  const quoted = /^"([^"]*)"$/.exec(text);
  if (quoted) return quoted[1];
  const env = /^env\("([^"]*)"\)$/.exec(text);
  return env ? `env:${env[1]}` : text;
}

export function parseSchema(text: string): PrismaSchema {
  const lines = text.split(/\r?\n/);
  const generators: Generator[] = [];
  let datasourceProvider: string | undefined;
  let block: { kind: string; name: string; line: number; settings: Record<string, Setting> } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^\s+/, '');
    if (line.startsWith('//')) continue;
    const open = /^(generator|datasource|model|enum|view|type)\s+(\w+)\s*\{/.exec(line);
    if (!block && open) {
      block = { kind: open[1], name: open[2], line: i + 1, settings: {} };
      continue;
    }
    if (!block) continue;
    if (/^\}/.test(line)) {
      if (block.kind === 'generator') {
        const s = block.settings;
        generators.push({
          name: block.name,
          line: block.line,
          provider: s.provider,
          output: s.output,
          binaryTargets: s.binaryTargets,
          engineType: s.engineType,
        });
      } else if (block.kind === 'datasource' && typeof block.settings.provider?.value === 'string') {
        datasourceProvider = block.settings.provider.value;
      }
      block = undefined;
      continue;
    }
    const kv = /^(\w+)\s*=\s*(.+)$/.exec(line);
    if (kv && (block.kind === 'generator' || block.kind === 'datasource')) {
      const start = i + 1;
      let raw = kv[2];
      // binaryTargets may span lines: ["a",\n "b"]
      while (raw.trim().startsWith('[') && !raw.includes(']') && i + 1 < lines.length) raw += ' ' + lines[++i].trim();
      block.settings[kv[1]] = { value: value(raw), line: start };
    }
  }
  return { generators, datasourceProvider };
}

/** The generator that makes the Prisma client, if the schema has one. */
export const clientGenerator = (schema: PrismaSchema): Generator | undefined =>
  schema.generators.find((g) => typeof g.provider?.value === 'string' && CLIENT_PROVIDERS.includes(g.provider.value));

export const settingText = (s: Setting | undefined): string | undefined =>
  s === undefined ? undefined : Array.isArray(s.value) ? s.value.join(',') : s.value;

/**
 * The KEY=VALUE syntax of google-github-actions/deploy-cloudrun's env_vars, secrets and labels, so a
 * workflow can switch to Runway without rewriting them: pairs separated by commas or newlines, `\`
 * escapes the next character (`\,` is a comma inside a value), keys and values trimmed, the first
 * unescaped `=` splits key from value (later ones belong to the value), `{}` means none.
 */
import { InvalidValue } from '../inputs';

export type KeyValues = Record<string, string>;

/** Splits on unescaped separators, keeping escapes in the parts (they are resolved after trimming). */
function splitUnescaped(text: string, separators: string, limit = Infinity): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      current += c + text[++i];
    } else if (separators.includes(c) && parts.length < limit - 1) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

const unescape = (text: string): string => text.replace(/\\(.)/gs, '$1');

/** Parses KEY=VALUE pairs; a later duplicate key replaces an earlier one (as in the anchor action). */
export function parseKeyValues(raw: string): KeyValues {
  const text = raw.trim();
  if (text === '' || text === '{}') return {};
  const result: KeyValues = {};
  for (const pair of splitUnescaped(text, ',\n')) {
    if (pair.trim() === '') continue;
    const [key, value] = splitUnescaped(pair, '=', 2);
    if (value === undefined) throw new InvalidValue(`"${pair.trim()}" has no "=": expected KEY=VALUE`);
    const name = unescape(key.trim());
    if (name === '') throw new InvalidValue(`"${pair.trim()}" has no key before "=": expected KEY=VALUE`);
    result[name] = unescape(value.trim());
  }
  return result;
}

/**
 * The KEY=VALUE syntax of google-github-actions/deploy-cloudrun's env_vars, secrets and labels, so a
 * workflow can switch to Runway without rewriting them: pairs separated by commas or newlines, `\`
 * escapes the next character (`\,` is a comma inside a value), keys and values trimmed, the first
 * unescaped `=` splits key from value (later ones belong to the value), `{}` means none.
 */
import { InvalidValue } from '../inputs';

export type KeyValues = Record<string, string>;

/** The anchor's separators (@google-github-actions/actions-utils parseKVString): commas and line breaks. */
const SEPARATORS = new Set([',', '\n', '\r', '\u2028', '\u2029']);

/**
 * Parses KEY=VALUE pairs the way the anchor action does (its parseKVString, checked side by side in
 * key-values.anchor.test.ts), a later duplicate key replacing an earlier one, but stricter where the
 * anchor guesses: a pair without `=` or without a key is an error instead of an empty value or key.
 */
export function parseKeyValues(raw: string): KeyValues {
  const text = raw.trim();
  if (text === '' || text === '{}') return {};
  const result: KeyValues = {};
  let key = '';
  let value: string | undefined;
  let typed = '';
  const endPair = () => {
    if (typed.trim() !== '') {
      if (value === undefined) throw new InvalidValue(`"${typed.trim()}" has no "=": expected KEY=VALUE`);
      result[key.trim()] = value.trim();
    }
    key = '';
    value = undefined;
    typed = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (SEPARATORS.has(c)) {
      endPair();
      continue;
    }
    typed += c;
    let literal = c;
    if (c === '\\') {
      if (i + 1 === text.length)
        throw new InvalidValue(`"${typed.trim()}" ends with an unfinished escape: write \\\\ for a backslash at the end`);
      literal = text[++i];
      typed += literal;
    } else if (c === '=' && value === undefined) {
      if (key.trim() === '') throw new InvalidValue(`"${typed.trim()}…" has no key before "=": expected KEY=VALUE`);
      value = '';
      continue;
    }
    if (value === undefined) key += literal;
    else value += literal;
  }
  endPair();
  return result;
}

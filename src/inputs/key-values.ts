/**
 * The KEY=VALUE syntax of google-github-actions/deploy-cloudrun's env_vars, secrets and labels, so a
 * workflow can switch to Runway without rewriting them: pairs separated by commas or newlines, `\`
 * escapes the next character (`\,` is a comma inside a value), keys and values trimmed, the first
 * unescaped `=` splits key from value (later ones belong to the value), `{}` means none.
 *
 * The parsing is the anchor's own maintained parser (@google-github-actions/actions-utils
 * parseKVString); key-values.anchor.test.ts keeps the two side by side. What Runway adds on top is
 * only strictness where the anchor guesses, checked first: a pair without an unescaped `=` is an
 * error (the anchor gives the key an empty value), so is a pair without a key, each error naming the
 * pair. What a value must look like (`ENV=secret:version`, mount paths) is secrets.ts's.
 */
import { parseKVString } from '@google-github-actions/actions-utils';
import { InvalidValue } from './spec';

export type KeyValues = Record<string, string>;

/** The anchor's separators (commas and line breaks) where no odd run of backslashes escapes them. */
const SEPARATOR = /(?<!(?:^|[^\\])\\(?:\\\\)*)[,\n\r\u2028\u2029]/;
/** A pair's text up to its first unescaped `=`. */
const KEY = /^((?:[^\\=]|\\[\s\S])*)=/;

/** Runway's checks on each pair, before the anchor's parser reads them. */
function checkPairs(text: string): void {
  for (const typed of text.split(SEPARATOR).map((p) => p.trim())) {
    if (typed === '') continue;
    const key = KEY.exec(typed);
    if (!key) throw new InvalidValue(`"${typed}" has no "=": expected KEY=VALUE`);
    if (key[1].trim() === '') throw new InvalidValue(`"${typed}" has no key before "=": expected KEY=VALUE`);
  }
}

/** Parses KEY=VALUE pairs the way the anchor action does, a later duplicate key replacing an earlier one. */
export function parseKeyValues(raw: string): KeyValues {
  const text = raw.trim();
  if (text === '' || text === '{}') return {};
  checkPairs(text);
  try {
    return parseKVString(text) ?? {};
  } catch (e) {
    // The one error left after checkPairs: a backslash at the very end escapes nothing.
    throw new InvalidValue(
      `"${text.split(SEPARATOR).at(-1)!.trim()}" ends with an unfinished escape: write \\\\ for a backslash at the end (${(e as Error).message})`,
    );
  }
}

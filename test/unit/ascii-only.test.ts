// eslint-disable-next-line @typescript-eslint/no-require-imports
const { asciiOnly } = require('../../scripts/ascii-only.cjs') as { asciiOnly: (source: string) => string };

describe('asciiOnly', () => {
  it.each([
    ['const a = 1;', 'const a = 1;'],
    ['"≤ 46"', '"\\u2264 46"'],
    ['`${a}…`', '`${a}\\u2026`'],
    ['"😀"', '"\\ud83d\\ude00"'],
    ['"\\é"', '"\\u00e9"'],
    ['"\\\\é"', '"\\\\\\u00e9"'],
    ['// café', '// caf\\u00e9'],
  ])('%s becomes %s', (source, expected) => expect(asciiOnly(source)).toBe(expected));

  // Each program's value, evaluated as it is and in ASCII only.
  it.each([
    ['a string', '"tag + service ≤ 46 — ok"'],
    ['a template', '(() => { const n = 3; return `${n}× …`; })()'],
    ['an escaped character', '"\\é\\\\ü"'],
    ['a character beyond the BMP', '"🚀 done".length'],
    ['a regular expression class', '"Ångström ÿ".replace(/[À-ÿ]/g, "_")'],
    ['a unicode regular expression', '/^[😀-🙏]$/u.test("🙂")'],
    ['an identifier', '(() => { const café = 2; return café * 2; })()'],
    ['an object key', '({ "À": "A", é: "e" })'],
  ])('%s means the same', (_, program) => {
    const ascii = asciiOnly(program);
    expect([...ascii].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
    expect(eval(ascii)).toEqual(eval(program));
  });
});

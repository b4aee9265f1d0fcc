/**
 * The same JavaScript in ASCII only: every other UTF-16 unit becomes a `\u` escape (a surrogate pair
 * for a character beyond the BMP). Node reads an ASCII file into a one-byte string and V8 scans that
 * faster; one non-ASCII character makes the whole bundle two-byte text, read and compiled more slowly
 * at every start (terser's `ascii_only`, which ncc does not expose).
 * The escape means the same character in strings, templates (their value; String.raw would see the
 * escape), regular expressions, comments and BMP identifiers. A character escaped by a backslash
 * (`\é`, which means `é`) becomes the escape alone.
 */
function asciiOnly(source) {
  return source.replace(/(\\*)([\u0080-\uffff])/g, (_, slashes, unit) => {
    const kept = slashes.length % 2 === 1 ? slashes.slice(1) : slashes;
    return `${kept}\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

module.exports = { asciiOnly };

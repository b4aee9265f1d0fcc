/**
 * parseKeyValues side by side with the anchor's own parser (@google-github-actions/actions-utils
 * parseKVString, used by google-github-actions/deploy-cloudrun for env_vars, secrets and labels) over
 * one table, so a workflow moving to Runway keeps the same values. Where Runway is deliberately
 * stricter (a pair without `=`, or without a key), the anchor's guess is shown next to Runway's error.
 */
import { parseKVString } from '@google-github-actions/actions-utils';
import { parseKeyValues } from './key-values';

const anchor = (raw: string): Record<string, string> | string => {
  try {
    return parseKVString(raw) ?? {};
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
};
const runway = (raw: string): Record<string, string> | string => {
  try {
    return parseKeyValues(raw);
  } catch (e) {
    return `error: ${(e as Error).message}`;
  }
};

const SAME = [
  '',
  '{}',
  'A=1',
  'A=1,B=2',
  'A=1\nB=2\n',
  'A=1\r\nB=2',
  'A=1\u2028B=2',
  'A=1,\n\nB=2,',
  '  A  =  spaced value  ',
  'URL=postgres://u:p@h/db?sslmode=require',
  'A==x=',
  'LIST=a\\,b\\,c',
  'PATH=C:\\\\dir',
  'K\\=EY=v',
  'MULTI=line1\\\nline2',
  'EMPTY=',
  'A=1,A=2',
  'SPACE=kept\\ ,B=1',
  'DATABASE_URL=database-url:latest\n/secrets/api/key=api-key:3',
  'JSON={"a":1\\,"b":2}',
];

describe.each(SAME)('%j', (raw) => {
  it('gives what the anchor gives', () => {
    expect(runway(raw)).toEqual(anchor(raw));
  });
});

it.each(['TRAIL=ends with backslash\\', 'A=1,B=\\'])('%j: an unfinished escape is an error in both', (raw) => {
  expect(anchor(raw)).toMatch(/^error: Unterminated escape/);
  expect(runway(raw)).toMatch(/^error: .*unfinished escape/);
});

it.each([
  ['A', { A: '' }],
  ['A=1,B', { A: '1', B: '' }],
])('%j: the anchor guesses %j, Runway asks for KEY=VALUE', (raw, guessed) => {
  expect(anchor(raw)).toEqual(guessed);
  expect(runway(raw)).toMatch(/^error: .*has no "="/);
});

it('"=1": no key is an error in both', () => {
  expect(anchor('=1')).toMatch(/^error: Invalid start sequence/);
  expect(runway('=1')).toMatch(/^error: .*no key before "="/);
});

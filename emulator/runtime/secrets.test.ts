import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSecret, SecretNotFound } from './secrets';

const dir = mkdtempSync(join(tmpdir(), 'runway-secrets-'));
beforeAll(() => {
  mkdirSync(join(dir, 'db-url'));
  writeFileSync(join(dir, 'db-url', '1'), 'postgres://one');
  writeFileSync(join(dir, 'db-url', '2'), 'postgres://two\nline2');
  writeFileSync(join(dir, 'db-url', '10'), 'postgres://ten');
});
afterAll(() => rmSync(dir, { recursive: true }));

it.each([
  ['db-url', 'latest', 'postgres://ten'],
  ['db-url', '', 'postgres://ten'],
  ['db-url', '2', 'postgres://two\nline2'],
  ['projects/acme/secrets/db-url', '1', 'postgres://one'],
])('%s version "%s" reads its file', (secret, version, value) => {
  expect(resolveSecret(dir, secret, version)).toBe(value);
});

it.each([
  ['nope', 'latest', /Secret projects\/emulator\/secrets\/nope\/versions\/latest was not found/],
  ['db-url', '3', /db-url\/versions\/3 was not found/],
  ['../etc', '1', /was not found/],
])('%s version %s is missing', (secret, version, message) => {
  expect(() => resolveSecret(dir, secret, version)).toThrow(SecretNotFound);
  expect(() => resolveSecret(dir, secret, version)).toThrow(message);
});

it('says when there is no secrets directory', () => {
  expect(() => resolveSecret(undefined, 'x', 'latest')).toThrow(/without a secrets directory/);
});

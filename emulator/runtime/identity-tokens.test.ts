import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IdentityTokens } from './identity-tokens';

const AUDIENCE = 'http://127.0.0.1:9999';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'runway-identity-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('an emulator restarted on the same state directory accepts the tokens it issued before', async () => {
  const keyFile = join(dir, 'identity-key.json');
  const token = new IdentityTokens(keyFile).issue(AUDIENCE);
  expect(await new IdentityTokens(keyFile).verify(token, [AUDIENCE])).toMatchObject({ claims: { aud: AUDIENCE } });
  expect(statSync(keyFile).mode & 0o777).toBe(0o600);
});

it('an emulator without a state directory refuses the tokens of another', async () => {
  const token = new IdentityTokens(join(dir, 'identity-key.json')).issue(AUDIENCE);
  expect(await new IdentityTokens().verify(token, [AUDIENCE])).toMatchObject({ invalid: expect.any(String) });
  expect(await new IdentityTokens().verify(new IdentityTokens().issue(AUDIENCE), [AUDIENCE])).toMatchObject({
    invalid: expect.any(String),
  });
});

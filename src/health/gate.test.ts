import { tokenAudience } from './gate';

const jwt = (payload: object) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

it.each([
  [jwt({ aud: 'https://svc.a.run.app' }), ['https://svc.a.run.app']],
  [jwt({ aud: ['a', 'b', 3] }), ['a', 'b']],
  [jwt({ sub: 'x' }), undefined],
  ['not-a-jwt', undefined],
  ['a.%%%.c', undefined],
])('tokenAudience(%s) = %j', (token, audience) => {
  expect(tokenAudience(token)).toEqual(audience);
});

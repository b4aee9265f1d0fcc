/**
 * Runs mintIdToken in a real Node 24 process, as a bundle would (google-auth-library's STS exchange
 * imports node-fetch dynamically, which Jest's module sandbox cannot do):
 *
 *   tsx test/helpers/mint-id-token.ts AUDIENCE     prints one JSON line: {token} or {error}
 */
import { mintIdToken } from '../../src/identity/id-token';

mintIdToken(process.argv[2], process.env).then(
  (token) => console.log(JSON.stringify({ token })),
  (e: Error) => console.log(JSON.stringify({ error: e.message })),
);

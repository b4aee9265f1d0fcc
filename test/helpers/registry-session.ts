/**
 * Runs build-image's registry login in a real Node 24 process, as a bundle would (google-auth-library's
 * token exchange imports node-fetch dynamically, which Jest's module sandbox cannot do):
 *
 *   tsx test/helpers/registry-session.ts open IMAGE        openRegistry (repository check, then login)
 *   tsx test/helpers/registry-session.ts push HOST REF     loginWithToken for HOST, then `docker push REF`
 *
 * With RUNWAY_TEST_AR_ENDPOINT (the emulator's host:port) the repository check asks that endpoint
 * while the login itself stays the real one. Prints one JSON line: the temporary config, what was
 * masked, the push result, and whether the folder was gone after close.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClients } from '../../src/cloudrun/clients';
import { adcTokens, loginWithToken, openRegistry } from '../../src/registry/login';
import { RecordingReporter } from '../../src/report';

async function main(): Promise<void> {
  const [mode, target, pushRef] = process.argv.slice(2);
  const emulator = process.env.RUNWAY_TEST_AR_ENDPOINT;
  const clients = emulator ? createClients({ CLOUD_RUN_EMULATOR_HOST: emulator }) : undefined;
  const reporter = new RecordingReporter();
  const before = process.env.DOCKER_CONFIG;
  const result: Record<string, unknown> = {};
  try {
    const session =
      mode === 'open'
        ? await openRegistry(target, process.env, reporter, { repositories: clients?.artifactRegistry })
        : { close: await loginWithToken(target, adcTokens('acme-prod'), process.env, reporter) };
    const dir = process.env.DOCKER_CONFIG ?? '';
    result.configDir = dir;
    result.config = dir !== before ? JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) : undefined;
    if (pushRef) {
      try {
        execFileSync('docker', ['push', pushRef], { stdio: 'pipe' });
        result.push = 'pushed';
      } catch (e) {
        result.push = String((e as { stderr?: Buffer }).stderr);
      }
    }
    session.close();
    result.removed = dir === before || !existsSync(dir);
    result.restored = process.env.DOCKER_CONFIG === before;
  } catch (e) {
    result.error = (e as Error).message;
  } finally {
    await clients?.close();
  }
  result.masked = reporter.masked;
  result.notices = reporter.messages('notice');
  console.log(JSON.stringify(result));
}

void main();

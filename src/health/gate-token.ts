/**
 * The gate's ID token: the `id-token` input when given, else one minted from the runner's credentials
 * for the service the gate probes, so a private service (Cloud Run's default) needs no extra input.
 */
import { audienceFor, mintsFor } from '../identity/route';
import { mintIdToken } from '../identity/id-token';
import type { Reporter } from '../report';
import { plainHttpUrls } from './inputs';
import type { GateConfig } from './model';

/**
 * `config` with an ID token for a Cloud Run URL (see mintsFor); without one, and a warning, when none
 * can be minted (a public service needs none) or when a URL is plain http:// to another machine (the
 * same rule as the id-token input's).
 */
export async function withIdToken(config: GateConfig, env: NodeJS.ProcessEnv, reporter: Reporter): Promise<GateConfig> {
  if (config.idToken !== undefined || !mintsFor(config.url, config.audience, env)) return config;
  const audience = config.audience ?? audienceFor(config.url);
  const plain = plainHttpUrls(config);
  if (plain.length) {
    const where = plain.map(({ input, host }) => `${input} is plain http:// to ${host}`).join(', ');
    reporter.warning(
      `No ID token for ${audience}: ${where}, and a token would travel unencrypted; probing without one. Use https://.`,
    );
    return config;
  }
  try {
    const idToken = await mintIdToken(audience, env);
    reporter.mask(idToken);
    reporter.info(`Probing with an ID token for ${audience} from the runner's credentials.`);
    return { ...config, idToken, audience };
  } catch (e) {
    reporter.warning(
      `No ID token for ${audience} (${(e as Error).message}); probing without one: a private service answers 403. Pass id-token, or make the service public (deploy-cloudrun allow-unauthenticated).`,
    );
    return config;
  }
}

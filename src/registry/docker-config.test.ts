import { configWithLogin, type DockerConfig } from './docker-config';

const auth = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

describe('configWithLogin', () => {
  it.each<{ name: string; existing: DockerConfig; config: DockerConfig; dropped?: string }>([
    {
      name: 'an empty config gets one login',
      existing: {},
      config: { auths: { 'us-docker.pkg.dev': { auth: auth('oauth2accesstoken', 't') } } },
      dropped: undefined,
    },
    {
      name: 'other logins and settings are kept; an older login for the host is replaced',
      existing: {
        auths: { 'ghcr.io': { auth: 'x' }, 'us-docker.pkg.dev': { auth: 'old' } },
        credHelpers: { 'gcr.io': 'gcloud' },
        proxies: { default: {} },
      },
      config: {
        auths: { 'ghcr.io': { auth: 'x' }, 'us-docker.pkg.dev': { auth: auth('oauth2accesstoken', 't') } },
        credHelpers: { 'gcr.io': 'gcloud' },
        proxies: { default: {} },
      },
      dropped: undefined,
    },
    {
      name: "the host's credential helper would win over auths: dropped",
      existing: { credHelpers: { 'us-docker.pkg.dev': 'gcloud' } },
      config: { auths: { 'us-docker.pkg.dev': { auth: auth('oauth2accesstoken', 't') } } },
      dropped: undefined,
    },
    {
      name: 'a global credsStore would win over auths: dropped and named',
      existing: { credsStore: 'desktop', auths: { 'ghcr.io': {} } },
      config: { auths: { 'ghcr.io': {}, 'us-docker.pkg.dev': { auth: auth('oauth2accesstoken', 't') } } },
      dropped: 'desktop',
    },
  ])('$name', ({ existing, config, dropped }) => {
    expect(configWithLogin(existing, 'us-docker.pkg.dev', 'oauth2accesstoken', 't')).toEqual({ config, dropped });
  });
});

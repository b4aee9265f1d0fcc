import { inputProblemLines } from '../../test/helpers/input-problems';
import { readInputs, resolveInputs } from '../inputs';
import { checkGateInputs, gateConfig, gateInputs, healthGateAction, type GateLeg } from './inputs';

function read(inputs: Record<string, string>) {
  return readInputs(healthGateAction, (name) => inputs[name]);
}

it('turns defaults into a config that judges a healthy revision in seconds', () => {
  const values = read({ url: 'https://tag---svc-abc-ew.a.run.app' });
  expect(gateConfig(values, { url: values.url })).toEqual({
    url: 'https://tag---svc-abc-ew.a.run.app',
    paths: ['/'],
    expectedStatus: [{ from: 200, to: 299 }],
    assertions: [],
    headers: {},
    samples: 100,
    intervalMs: 500,
    concurrency: 4,
    requestTimeoutMs: 10_000,
    startupTimeoutMs: 20_000,
    maxErrorRate: 0.1,
    failOnInconclusive: false,
  });
});

it('reads every input', () => {
  const values = read({
    url: 'https://candidate.example/prefix',
    'baseline-url': 'https://stable.example',
    paths: '/health\n/ready',
    'expected-status': '200, 204, 3xx',
    assert: '$.database == "connected"\n$.checks[0].ok == true',
    'body-regex': '"status":\\s*"ok"',
    headers: 'X-Probe: runway\nAccept: application/json',
    samples: '100',
    interval: '250ms',
    concurrency: '8',
    'request-timeout': '2s',
    'startup-timeout': '1m',
    'max-error-rate': '2.5%',
    'max-p95-ms': '400',
    'max-p99-ms': '900',
    'id-token': 'eyJ.token.sig',
    audience: 'https://svc-abc-ew.a.run.app',
    'fail-on-inconclusive': 'true',
  });
  const config = gateConfig(values, { url: values.url, baselineUrl: values['baseline-url'] });
  expect(config).toMatchObject({
    baselineUrl: 'https://stable.example',
    paths: ['/health', '/ready'],
    expectedStatus: [
      { from: 200, to: 200 },
      { from: 204, to: 204 },
      { from: 300, to: 399 },
    ],
    headers: { 'X-Probe': 'runway', Accept: 'application/json' },
    samples: 100,
    intervalMs: 250,
    concurrency: 8,
    requestTimeoutMs: 2000,
    startupTimeoutMs: 60_000,
    maxErrorRate: 0.025,
    maxP95Ms: 400,
    maxP99Ms: 900,
    idToken: 'eyJ.token.sig',
    audience: 'https://svc-abc-ew.a.run.app',
    failOnInconclusive: true,
  });
  expect(config.assertions.map((a) => a.path)).toEqual(['$.database', '$.checks[0].ok']);
  expect(config.bodyRegex!.test('{"status": "ok"}')).toBe(true);
});

it.each([
  [{ url: 'ftp://x' }, /^url: "ftp:\/\/x" is not valid: expected an http:\/\/ or https:\/\/ URL$/],
  [{ paths: 'health' }, /^paths: .*item "health": expected a path starting with \//],
  [{ 'expected-status': '2xx, 999' }, /^expected-status: .*item "999": 999 is not an HTTP status/],
  [{ assert: '$.ok == true\n$.db connected' }, /^assert: .*line "\$\.db connected": expected an operator after the path/],
  [{ 'body-regex': '(' }, /^body-regex: .*invalid regular expression/],
  [{ headers: 'no colon' }, /^headers: .*expected a header as Name: value/],
  [{ headers: 'authorization: Bearer x' }, /^headers: .*pass the token as id-token/],
  [{ samples: '0' }, /^samples: "0" is not valid: expected a whole number from 1 to 1000/],
  [{ concurrency: '100' }, /^concurrency: .*from 1 to 64/],
  [{ 'request-timeout': '0s' }, /^request-timeout: .*a duration from 0.1s to 300s/],
  [{ 'max-error-rate': '150%' }, /^max-error-rate: "150%" is not valid: expected a percentage \(5%\) or a fraction from 0 to 1/],
  [{ 'max-error-rate': '-1' }, /^max-error-rate: .*expected a percentage/],
  [{ 'max-p95-ms': '0' }, /^max-p95-ms: .*at least 1/],
  [{ 'fail-on-inconclusive': 'maybe' }, /^fail-on-inconclusive: .*true or false/],
  [
    { 'id-token': 'secret-token', url: 'http://svc.example' },
    /^url: is plain http:\/\/ to svc\.example: the id-token would travel unencrypted/,
  ],
])('rejects %j', (given, message) => {
  const found = inputProblemLines(() => read({ url: 'https://svc.example', ...given }));
  expect(found).toHaveLength(1);
  expect(found[0]).toMatch(message);
});

it('never repeats the token in an input error', () => {
  const found = inputProblemLines(() => read({ url: 'http://10.0.0.1', 'id-token': 'super-secret' }));
  expect(found).toHaveLength(1);
  expect(found.join()).not.toContain('super-secret');
});

it('allows a token over http:// only to this machine', () => {
  const values = read({ url: 'http://127.0.0.1:8080', 'id-token': 't' });
  expect(checkGateInputs(values, { url: 'http://127.0.0.1:8080', baselineUrl: 'http://stable.internal' })).toEqual([
    {
      input: 'baseline-url',
      message: 'is plain http:// to stable.internal: the id-token would travel unencrypted; use https://',
    },
  ]);
});

it('gateInputs leaves the URLs and the names promote uses to promote', () => {
  const names = Object.keys(gateInputs);
  for (const name of ['url', 'baseline-url', 'service', 'region', 'revision', 'project-id']) expect(names).not.toContain(name);
  expect(gateInputs['id-token'].options.secret).toBe(true);
});

describe('several regions', () => {
  const urls = '{"us-east1":"https://t---web-e.a.run.app","europe-west1":"https://t---web-w.a.run.app"}';

  it.each([
    [{ url: 'https://a.example' }, [{ url: 'https://a.example' }]],
    [
      { url: 'https://a.example', baselineUrl: 'https://b.example' },
      [{ url: 'https://a.example', baselineUrl: 'https://b.example' }],
    ],
    [
      { url: urls },
      [
        { region: 'us-east1', url: 'https://t---web-e.a.run.app' },
        { region: 'europe-west1', url: 'https://t---web-w.a.run.app' },
      ],
    ],
    [
      { url: urls, baselineUrl: '{"us-east1":"https://web-e.a.run.app"}' },
      [
        { region: 'us-east1', url: 'https://t---web-e.a.run.app', baselineUrl: 'https://web-e.a.run.app' },
        { region: 'europe-west1', url: 'https://t---web-w.a.run.app' },
      ],
    ],
    [
      { url: urls, baselineUrl: 'https://lb.example' },
      [
        { region: 'us-east1', url: 'https://t---web-e.a.run.app', baselineUrl: 'https://lb.example' },
        { region: 'europe-west1', url: 'https://t---web-w.a.run.app', baselineUrl: 'https://lb.example' },
      ],
    ],
  ])('gates %j as %j', (given, gates) => {
    const { url, baselineUrl }: { url: string; baselineUrl?: string } = given;
    const raw: Record<string, string | undefined> = { url, 'baseline-url': baselineUrl };
    const { legs } = resolveInputs(healthGateAction, (name) => raw[name]).resolved;
    // Each leg as listed here: its region beside its URLs, none for one plain URL.
    const listed = ({ target: { region }, ...urls }: GateLeg) => (region ? { region, ...urls } : urls);
    expect(legs.map(listed)).toEqual(gates);
  });

  it("takes deploy-cloudrun's tag-url object and checks each URL", () => {
    expect(read({ url: urls }).url).toBe(urls);
    expect(() => read({ url: '{"us-east1":"ftp://x"}' })).toThrow(/us-east1: expected an http:\/\/ or https:\/\/ URL/);
    expect(() => read({ url: urls.replace('https://t---web-w', 'http://t---web-w'), 'id-token': 't' })).toThrow(
      /"url": europe-west1: is plain http:\/\/ to t---web-w.a.run.app/,
    );
  });
});

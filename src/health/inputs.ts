// Not the regional index: see action.ts (health-gate loads no Google client package).
import { ByRegion, regionValues } from '../regional/inputs';
import { inRegion, type Leg, type Regional } from '../regional/legs';
import { defineAction, input, InputError, InvalidValue, kinds, type InputProblem, type InputValues, type Kind } from '../inputs';
import { assertion } from './assertion';
import type { GateConfig } from './model';
import { statusRange } from './status';

/** `5%` or `0.05`: a share from 0 to 1. */
const fraction: Kind<number> = {
  allowed: 'a percentage (5%) or a fraction from 0 to 1 (0.05)',
  parse(raw) {
    const m = /^(\d+(?:\.\d+)?)\s*(%?)$/.exec(raw);
    const value = m ? Number(m[1]) / (m[2] ? 100 : 1) : NaN;
    if (!(value >= 0 && value <= 1)) throw new InvalidValue('expected a percentage (5%) or a fraction from 0 to 1 (0.05)');
    return value;
  },
};

const regex: Kind<RegExp> = {
  allowed: 'a JavaScript regular expression',
  parse(raw) {
    try {
      return new RegExp(raw);
    } catch (e) {
      throw new InvalidValue(`invalid regular expression: ${(e as Error).message}`);
    }
  },
};

const header: Kind<[string, string]> = {
  allowed: 'a header as Name: value',
  parse(raw) {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*)$/.exec(raw);
    if (!m) throw new InvalidValue('expected a header as Name: value');
    if (m[1].toLowerCase() === 'authorization')
      throw new InvalidValue('pass the token as id-token (it is masked), not as an Authorization header');
    return [m[1], m[2]];
  },
};

const oneUrl = kinds.pattern(/^https?:\/\/[^\s/?#]+(\/\S*)?$/, 'an http:// or https:// URL');
/** A URL, or a JSON object of URLs keyed by region (deploy-cloudrun's tag-url with several regions), kept as text. */
const url: Kind<string> = {
  allowed: oneUrl.allowed,
  parse: (raw) => (raw.startsWith('{') ? (regionValues(raw, oneUrl.parse), raw) : oneUrl.parse(raw)),
};

/** One gate run: a region's URLs; `target.region` is '' for one plain URL. */
export interface GateLeg extends Leg {
  readonly url: string;
  readonly baselineUrl?: string;
}

/**
 * What the gate probes: the URL, or every region's URL of a JSON object keyed by region, each beside
 * the baseline of its region (a plain baseline URL is the baseline of every region). Pure.
 */
function gateLegs(urls: { url: string; baselineUrl?: string }): GateLeg[] {
  const candidates = regionValues(urls.url, (u) => u);
  const baselines = urls.baselineUrl === undefined ? undefined : regionValues(urls.baselineUrl, (u) => u);
  const baselineOf = (region: string) => (baselines === undefined ? undefined : inRegion(baselines, region));
  if (!(candidates instanceof ByRegion)) return [{ target: { region: '' }, url: candidates, ...opt(baselineOf('')) }];
  return [...candidates.values].map(([region, u]) => ({ target: { region }, url: u, ...opt(baselineOf(region)) }));
}

const opt = (baselineUrl: string | undefined) => (baselineUrl === undefined ? {} : { baselineUrl });

/**
 * Every input of the gate except the URLs, so promote can spread them into its own definition and
 * gate each traffic step the same way (names chosen not to clash with service, region, revision).
 */
export const gateInputs = {
  paths: input('Paths to probe, each starting with /', kinds.list(kinds.pattern(/^\//, 'a path starting with /'))).default('/'),
  'expected-status': input('HTTP statuses that count as success', kinds.list(statusRange)).default('200-299'),
  assert: input(
    'Assertions on the JSON body, one per line: a JSON path, an operator and a value, e.g. $.database == "connected"',
    kinds.lines(assertion),
  ),
  'body-regex': input('Regular expression the response body must match', regex),
  headers: input('Request headers, one per line as Name: value', kinds.lines(header)),
  samples: input(
    'Most measured requests per path (and per target with a baseline) after the first answer; without a baseline, probing stops once the verdict is certain or the error rate is below max-error-rate with 99 % confidence',
    kinds.integer(1, 1000),
  ).default('100'),
  interval: input('Pause of each worker between two requests', kinds.duration(0, 60)).default('500ms'),
  concurrency: input(
    'Requests in flight at once per target (the candidate, and stable with a baseline-url)',
    kinds.integer(1, 64),
  ).default('4'),
  'request-timeout': input('Time allowed for one request, body included', kinds.duration(0.1, 300)).default('10s'),
  'startup-timeout': input(
    "Time allowed for the app's first answer; until then connection errors, timeouts and the platform's own 429/502/503/504 pages are not counted (an app's own 503, with its body, is an answer)",
    kinds.duration(0, 3600),
  ).default('20s'),
  'max-error-rate': input('Share of measured requests allowed to fail', fraction).default('10%'),
  'max-p95-ms': input('Largest allowed 95th percentile latency in milliseconds (nearest rank)', kinds.integer(1)),
  'max-p99-ms': input('Largest allowed 99th percentile latency in milliseconds (nearest rank)', kinds.integer(1)),
  'id-token': input(
    "ID token sent as Authorization: Bearer; masked, never printed. Without it, a *.run.app URL (or any URL under the emulator, or with audience set) is probed with a token minted from the runner's Application Default Credentials for the service URL (IAM Credentials generateIdToken for Workload Identity Federation), so a private service needs nothing here",
    kinds.text,
  ).secret(),
  audience: input(
    "Audience of the ID token: with id-token, checked against its aud claim; without, the audience to mint for (a custom audience); default the service's URL (a tag URL's service)",
    kinds.text,
  ),
  'fail-on-inconclusive': input('Fail the step when the verdict is inconclusive', kinds.bool).default('false'),
};

export type GateValues = InputValues<typeof gateInputs>;

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\./.test(hostname);
}

/**
 * The URLs a bearer token must not be sent to: plain http:// to another machine, named by input with
 * their host. Shared by the input check and the gate's own token (gate-token.ts).
 */
export function plainHttpUrls(urls: { url?: string; baselineUrl?: string }): { input: 'url' | 'baseline-url'; host: string }[] {
  const found: { input: 'url' | 'baseline-url'; host: string }[] = [];
  for (const [input, value] of [
    ['url', urls.url],
    ['baseline-url', urls.baselineUrl],
  ] as const) {
    if (value === undefined) continue;
    const parsed = new URL(value);
    if (parsed.protocol === 'http:' && !isLoopback(parsed.hostname)) found.push({ input, host: parsed.hostname });
  }
  return found;
}

/** Cross-input checks promote can reuse: no bearer token over plain HTTP to another machine. */
export function checkGateInputs(values: GateValues, urls: { url?: string; baselineUrl?: string }): InputProblem[] {
  if (values['id-token'] === undefined) return [];
  return plainHttpUrls(urls).map(({ input, host }) => ({
    input,
    message: `is plain http:// to ${host}: the id-token would travel unencrypted; use https://`,
  }));
}

/** Parsed input values plus the URLs to probe, as the gate's configuration. */
export function gateConfig(values: GateValues, urls: { url: string; baselineUrl?: string }): GateConfig {
  return {
    url: urls.url,
    ...(urls.baselineUrl !== undefined ? { baselineUrl: urls.baselineUrl } : {}),
    paths: values.paths,
    expectedStatus: values['expected-status'],
    assertions: values.assert ?? [],
    ...(values['body-regex'] ? { bodyRegex: values['body-regex'] } : {}),
    headers: Object.fromEntries(values.headers ?? []),
    samples: values.samples,
    intervalMs: values.interval * 1000,
    concurrency: values.concurrency,
    requestTimeoutMs: values['request-timeout'] * 1000,
    startupTimeoutMs: values['startup-timeout'] * 1000,
    maxErrorRate: values['max-error-rate'],
    ...(values['max-p95-ms'] !== undefined ? { maxP95Ms: values['max-p95-ms'] } : {}),
    ...(values['max-p99-ms'] !== undefined ? { maxP99Ms: values['max-p99-ms'] } : {}),
    ...(values['id-token'] !== undefined ? { idToken: values['id-token'] } : {}),
    ...(values.audience !== undefined ? { audience: values.audience } : {}),
    failOnInconclusive: values['fail-on-inconclusive'],
  };
}

export const healthGateAction = defineAction({
  id: 'health-gate',
  name: 'Runway: health gate',
  description:
    'Probes a revision from the runner and decides pass, fail or inconclusive, optionally side by side with the stable revision; in every region given a JSON object of URLs.',
  inputs: {
    url: input(
      "Base URL to probe, usually deploy-cloudrun's tag-url; with several regions its JSON object keyed by region, and every region's URL is gated",
      url,
    ).required(),
    'baseline-url': input(
      'URL of the current stable revision to compare with, probed interleaved with the candidate (e.g. the service URL); with several regions a JSON object keyed by region (or one URL for all)',
      url,
    ),
    ...gateInputs,
  },
  outputs: {
    verdict: 'pass, fail or inconclusive',
    report:
      'JSON report: per path the samples, error rate, latency percentiles and failed assertions; with several regions a JSON object of reports keyed by region',
  },
  // The legs are made once; a token over plain http:// is a problem of the URL of its region.
  resolve: ({ url, 'baseline-url': baselineUrl, ...shared }): Regional<GateValues, GateLeg> => {
    const legs = gateLegs({ url, baselineUrl });
    const problems = legs.flatMap(({ target: { region }, ...urls }) =>
      checkGateInputs(shared, urls).map((p) => (region ? { ...p, message: `${region}: ${p.message}` } : p)),
    );
    if (problems.length) throw new InputError(problems);
    return { shared, legs };
  },
});

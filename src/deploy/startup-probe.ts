/**
 * deploy's `startup-probe` input: `tcp` or an HTTP path, optionally followed by settings, e.g.
 * `/healthz period=5s timeout=2s failure-threshold=12 initial-delay=0s`. The ranges are the
 * proto's for a startup probe (k8s.min.proto, message Probe): initial delay 0-240 s, period
 * 1-240 s (default 10), timeout from 1 s and smaller than the period (default 1), failure
 * threshold from 1 (default 3). Cloud Run shuts the container down when the probe has not passed
 * within failure threshold × period, "which cannot exceed 240 seconds"
 * (https://cloud.google.com/run/docs/configuring/healthchecks); the initial delay comes on top
 * (PolicyEngine/policyengine-api#3764). Pure.
 */
import type { protos } from '@google-cloud/run';

export type StartupProbe = protos.google.cloud.run.v2.IProbe;

export const MAX_STARTUP_WINDOW_SECONDS = 240;

export const STARTUP_PROBE_SYNTAX = `tcp or an HTTP path starting with /, optionally followed by period=Ns (1-240, default 10), timeout=Ns (below the period, default 1), failure-threshold=N (default 3; failure-threshold × period at most ${MAX_STARTUP_WINDOW_SECONDS} s) and initial-delay=Ns (0-240, on top of that window)`;

const DEFAULT_FAILURE_THRESHOLD = 3;

const SETTINGS = {
  'initial-delay': { field: 'initialDelaySeconds', min: 0, max: 240, seconds: true },
  period: { field: 'periodSeconds', min: 1, max: 240, seconds: true },
  timeout: { field: 'timeoutSeconds', min: 1, max: 3600, seconds: true },
  'failure-threshold': { field: 'failureThreshold', min: 1, max: 1000, seconds: false },
} as const;

const DEFAULT_PERIOD = 10;
const DEFAULT_TIMEOUT = 1;

function setting(word: string): [keyof typeof SETTINGS, number] {
  const m = /^([a-z-]+)=(\d+)(s?)$/.exec(word);
  const name = m?.[1] as keyof typeof SETTINGS | undefined;
  if (!m || !name || !(name in SETTINGS)) {
    throw new Error(`"${word}" is not a setting: use ${Object.keys(SETTINGS).join(', ')} as name=value`);
  }
  const spec = SETTINGS[name];
  const value = Number(m[2]);
  if (m[3] && !spec.seconds) throw new Error(`${name} is a count, not a duration: got "${word}"`);
  if (value < spec.min || value > spec.max) {
    throw new Error(
      `${name} must be from ${spec.min} to ${spec.max}${spec.seconds ? ' seconds' : ''} for a startup probe, got ${value}`,
    );
  }
  return [name, value];
}

export function parseStartupProbe(raw: string): StartupProbe {
  const [kind, ...words] = raw.trim().split(/\s+/);
  if (kind !== 'tcp' && !/^\/\S*$/.test(kind)) throw new Error('expected tcp or an HTTP path starting with /');
  const probe: StartupProbe = kind === 'tcp' ? { tcpSocket: {} } : { httpGet: { path: kind } };
  for (const word of words) {
    const [name, value] = setting(word);
    probe[SETTINGS[name].field] = value;
  }
  const period = probe.periodSeconds ?? DEFAULT_PERIOD;
  const timeout = probe.timeoutSeconds ?? DEFAULT_TIMEOUT;
  if (timeout >= period) throw new Error(`timeout (${timeout}s) must be smaller than the period (${period}s)`);
  const threshold = probe.failureThreshold ?? DEFAULT_FAILURE_THRESHOLD;
  if (threshold * period > MAX_STARTUP_WINDOW_SECONDS)
    throw new Error(
      `failure-threshold × period must be at most ${MAX_STARTUP_WINDOW_SECONDS} seconds on Cloud Run, got ${threshold} × ${period}s = ${threshold * period}s (initial-delay, up to 240s, adds to the window)`,
    );
  return probe;
}

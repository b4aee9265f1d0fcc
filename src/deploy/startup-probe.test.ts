import { parseStartupProbe } from './startup-probe';

describe('parseStartupProbe', () => {
  it.each([
    ['tcp', { tcpSocket: {} }],
    ['/healthz', { httpGet: { path: '/healthz' } }],
    [
      '/ready period=5s timeout=2s failure-threshold=12 initial-delay=0s',
      { httpGet: { path: '/ready' }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 12, initialDelaySeconds: 0 },
    ],
    [
      'tcp period=240s failure-threshold=1 initial-delay=240s',
      { tcpSocket: {}, periodSeconds: 240, failureThreshold: 1, initialDelaySeconds: 240 },
    ],
    ['/ period=10s failure-threshold=24', { httpGet: { path: '/' }, periodSeconds: 10, failureThreshold: 24 }],
    ['/ period=80s', { httpGet: { path: '/' }, periodSeconds: 80 }],
    ['/ timeout=9s', { httpGet: { path: '/' }, timeoutSeconds: 9 }],
  ])('%s', (raw, probe) => {
    expect(parseStartupProbe(raw)).toEqual(probe);
  });

  it.each([
    ['healthz', /tcp or an HTTP path/],
    ['/h period=241s', /period must be from 1 to 240 seconds for a startup probe, got 241/],
    ['/h initial-delay=300s', /initial-delay must be from 0 to 240 seconds/],
    ['/h period=0s', /period must be from 1 to 240/],
    ['/h timeout=10s', /timeout \(10s\) must be smaller than the period \(10s\)/],
    ['/h period=5s timeout=5s', /timeout \(5s\) must be smaller than the period \(5s\)/],
    ['/h failure-threshold=0', /failure-threshold must be from 1/],
    ['/h failure-threshold=3s', /failure-threshold is a count/],
    ['/h retries=3', /"retries=3" is not a setting/],
    [
      '/h period=10s failure-threshold=25',
      /failure-threshold × period must be at most 240 seconds on Cloud Run, got 25 × 10s = 250s/,
    ],
    ['/h period=81s', /got 3 × 81s = 243s/],
  ])('%s is refused', (raw, message) => {
    expect(() => parseStartupProbe(raw)).toThrow(message);
  });
});

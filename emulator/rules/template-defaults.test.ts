import { startupProbeProblems } from './container-validation';
import { defaultStartupProbe, isDefaultStartupProbe, withServerDefaults } from './template-defaults';

describe('withServerDefaults', () => {
  it('fills what Cloud Run fills for a template that gives only an image', () => {
    expect(withServerDefaults({ containers: [{ image: 'i' }] })).toEqual({
      containers: [
        {
          image: 'i',
          resources: { limits: { cpu: '1000m', memory: '512Mi' }, cpuIdle: true },
          ports: [{ name: 'http1', containerPort: 8080 }],
          startupProbe: {
            initialDelaySeconds: 0,
            timeoutSeconds: 240,
            periodSeconds: 240,
            failureThreshold: 1,
            tcpSocket: { port: 8080 },
          },
        },
      ],
      timeout: { seconds: '300', nanos: 0 },
      maxInstanceRequestConcurrency: 80,
    });
  });

  it('keeps what the template sets, and fills a configured probe with the proto defaults (10 s x 3)', () => {
    const filled = withServerDefaults({
      containers: [
        {
          image: 'i',
          ports: [{ containerPort: 3000 }],
          resources: { limits: { cpu: '500m' } },
          startupProbe: { httpGet: { path: '' } },
        },
      ],
      timeout: { seconds: '60', nanos: 0 },
    });
    expect(filled.containers?.[0]).toMatchObject({
      resources: { limits: { cpu: '500m', memory: '512Mi' } },
      startupProbe: { periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 1, httpGet: { path: '/', port: 3000 } },
    });
    expect([filled.timeout, filled.maxInstanceRequestConcurrency]).toEqual([{ seconds: '60', nanos: 0 }, 1]);
  });

  it('is idempotent: a template read back and sent again is the same', () => {
    const once = withServerDefaults({ containers: [{ image: 'i' }, { image: 'sidecar' }] });
    expect(withServerDefaults(once)).toEqual(once);
    expect(once.containers?.[1].ports).toBeUndefined();
  });

  it('tells the default probe from a configured one', () => {
    expect(isDefaultStartupProbe(defaultStartupProbe(8080), 8080)).toBe(true);
    expect(isDefaultStartupProbe({ ...defaultStartupProbe(8080), failureThreshold: 2 }, 8080)).toBe(false);
    expect(isDefaultStartupProbe({ ...defaultStartupProbe(8080), httpGet: { path: '/' } }, 8080)).toBe(false);
  });
});

describe('startupProbeProblems', () => {
  const ok = { initialDelaySeconds: 0, timeoutSeconds: 1, periodSeconds: 10, failureThreshold: 3, tcpSocket: {} };
  it.each([
    ['the HTTP defaults', { ...ok, tcpSocket: undefined, httpGet: { path: '/' } }, []],
    ["Cloud Run's default TCP probe (timeout = period = 240)", defaultStartupProbe(8080), []],
    [
      'a period over 240 s',
      { ...ok, periodSeconds: 241, failureThreshold: 1 },
      [
        'p.period_seconds: must be 1 to 240, got 241',
        'p: failure_threshold × period_seconds must be at most 240 seconds, got 1 × 241 = 241',
      ],
    ],
    ['an initial delay over 240 s', { ...ok, initialDelaySeconds: 300 }, ['p.initial_delay_seconds: must be 0 to 240, got 300']],
    [
      'a timeout above the period',
      { ...ok, timeoutSeconds: 11 },
      ['p.timeout_seconds: must not exceed period_seconds (11 > 10)'],
    ],
    ['a zero failure threshold', { ...ok, failureThreshold: 0 }, ['p.failure_threshold: must be at least 1, got 0']],
    [
      'two probe types',
      { ...ok, httpGet: { path: '/' } },
      ['p: exactly one of http_get, tcp_socket or grpc may be set, got httpGet, tcpSocket'],
    ],
  ])('%s', (_, probe, problems) => {
    expect(startupProbeProblems('p', probe)).toEqual(problems);
  });
});

import { readInputs } from '../inputs';
import { RecordingReporter } from '../report';
import { withIdToken } from './gate-token';
import { gateConfig, healthGateAction } from './inputs';

/** Emulator mode without its admin URL: a mint would fail with that reason, so a warning without it shows none was tried. */
const env = { CLOUD_RUN_EMULATOR_HOST: '127.0.0.1:1' };

function config(url: string, baselineUrl?: string) {
  const values = readInputs(healthGateAction, (name) => (name === 'url' ? url : undefined));
  return gateConfig(values, { url, ...(baselineUrl === undefined ? {} : { baselineUrl }) });
}

it.each([
  ['the URL', config('http://svc.example/'), 'url is plain http:// to svc.example'],
  [
    'the baseline URL',
    config('https://t---web-abc-uc.a.run.app', 'http://stable.internal'),
    'baseline-url is plain http:// to stable.internal',
  ],
])('mints no token when %s is plain http:// to another machine, and probes without one', async (_name, given, why) => {
  const reporter = new RecordingReporter();
  expect(await withIdToken(given, env, reporter)).toBe(given);
  expect(reporter.messages('warning')).toEqual([expect.stringContaining(why)]);
  expect(reporter.messages('warning')[0]).toMatch(/would travel unencrypted; probing without one/);
});

it('mints for plain http:// to this machine', async () => {
  const reporter = new RecordingReporter();
  await withIdToken(config('http://127.0.0.1:8080', 'http://localhost:8081'), env, reporter);
  expect(reporter.messages('warning')).toEqual([expect.stringContaining('CLOUD_RUN_EMULATOR_ADMIN is not')]);
});

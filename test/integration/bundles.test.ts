import { existsSync } from 'node:fs';
import { actions } from '../../src/actions';
import { freshBundle, runBundle } from '../helpers/run-action';

// Every bundle (made from src/ by the global setup) must start under Node 24 (google-gax inside an
// ncc CommonJS bundle) and refuse to run without its required inputs, before any API call.
describe.each(actions.map((a) => [a.id, a] as const))('dist/%s', (id, def) => {
  const required = Object.entries(def.inputs)
    .filter(([, spec]) => spec.options.required)
    .map(([name]) => name);

  it('exists for every entry point', () => {
    expect(existsSync(freshBundle(`dist/${id}/index.js`))).toBe(true);
    expect(existsSync(freshBundle(`dist/${id}/post/index.js`))).toBe(def.post === true);
  });

  it('fails within seconds with an ::error:: naming each missing required input', async () => {
    const run = await runBundle(`dist/${id}/index.js`, { timeoutMs: 30_000 });
    expect(run.code).not.toBe(0);
    expect(run.ms).toBeLessThan(15_000);
    // Some actions need an input only with others (build-image's image unless check-only): still one is missing.
    expect(run.errors.some((e) => /^Input "[^"]+": is required/.test(e))).toBe(true);
    for (const name of required) {
      expect(run.errors.some((e) => e.includes(`Input "${name}": is required`))).toBe(true);
    }
    expect(run.outputs).toEqual({});
  });
});

// health-gate probes URLs over HTTP and loads no Google client package: its start-up is the one a
// gate's verdict waits on first. @grpc/grpc-js (or a client on it) in its bundle brings the protos
// ncc copies beside it (proto/, where minified code keeps no package name to look for).
it('dist/health-gate holds no gRPC or Google client package', () => {
  expect(existsSync(freshBundle('dist/health-gate/proto'))).toBe(false);
});

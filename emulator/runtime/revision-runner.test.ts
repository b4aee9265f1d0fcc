import { ingressContainer } from '../rules/template-defaults';
import { startupDeadlineMs, startupFailure } from './revision-runner';

it.each([
  [null, undefined],
  [{ httpGet: { path: '/' } }, undefined],
  [{ periodSeconds: 0, failureThreshold: 0 }, undefined],
  [{ periodSeconds: 1, failureThreshold: 2 }, 2000],
  [{ initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 }, 35000],
  // Cloud Run's own default TCP probe: the emulator's startup timeout applies instead of 240 s.
  [{ tcpSocket: { port: 8080 }, timeoutSeconds: 240, periodSeconds: 240, failureThreshold: 1 }, undefined],
  [{ tcpSocket: { port: 8080 }, timeoutSeconds: 240, periodSeconds: 240, failureThreshold: 2 }, 480000],
])('startup probe %j allows %s ms', (probe, ms) => {
  expect(startupDeadlineMs(probe)).toBe(ms);
});

it.each([
  [[{ image: 'a' }, { image: 'b', ports: [{ containerPort: 8080 }] }], 'b'],
  [[{ image: 'a' }, { image: 'b' }], 'a'],
  [[], undefined],
])('the ingress container of %j is %s', (containers, image) => {
  expect(ingressContainer(containers)?.image).toBe(image);
});

describe('startupFailure', () => {
  const CLOUD_RUN_TIMEOUT =
    'The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable within the allocated timeout. This can happen when the container port is misconfigured or if the timeout is too short. The health check timeout can be extended. Logs for this revision might contain more information.';

  it("starts with Cloud Run's words for a container that runs but does not listen", () => {
    const message = startupFailure(8080, 3000, { running: true, exitCode: 0 }, false, '');
    expect(message).toBe(`${CLOUD_RUN_TIMEOUT}\n\nThe emulator allowed 3000 ms.`);
  });

  it('says when the container listens on 127.0.0.1 only, and adds the logs', () => {
    const message = startupFailure(8080, 3000, { running: true, exitCode: 0 }, true, 'listening');
    expect(message.startsWith(CLOUD_RUN_TIMEOUT)).toBe(true);
    expect(message).toContain('It listens on 127.0.0.1:8080 only: Cloud Run sends requests to 0.0.0.0');
    expect(message.endsWith('Last log lines:\nlistening')).toBe(true);
  });

  it('gives the exit code of a container that exited, and no loopback hint', () => {
    const message = startupFailure(8080, 3000, { running: false, exitCode: 1 }, true, '');
    expect(message).toBe(
      'The user-provided container failed to start and listen on the port defined provided by the PORT=8080 environment variable. Logs for this revision might contain more information.\n\nThe container exited with code 1 before it listened.',
    );
  });
});

import { ingressContainer, startupDeadlineMs } from './revision-runner';

it.each([
  [null, undefined],
  [{ httpGet: { path: '/' } }, undefined],
  [{ periodSeconds: 0, failureThreshold: 0 }, undefined],
  [{ periodSeconds: 1, failureThreshold: 2 }, 2000],
  [{ initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 }, 35000],
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

import { reservedKeyProblems } from './metadata-validation';

it.each([
  ['run.googleapis.com/ingress', 1],
  ['serving.knative.dev/creator', 1],
  ['autoscaling.knative.dev/maxScale', 1],
  ['cloud.googleapis.com/location', 1],
  ['features.run.googleapis.com/x', 1],
  ['runway.dev/last-good-revision', 0],
  ['myrun.googleapis.com.example/x', 0],
  ['app', 0],
])('%s gives %i problem(s)', (key, count) => {
  expect(reservedKeyProblems('service.annotations', { [key]: 'v' })).toHaveLength(count);
});

it('names the field, the key and the namespace', () => {
  expect(reservedKeyProblems('service.template.labels', { 'run.googleapis.com/x': '1' })[0]).toMatch(
    /^service\.template\.labels: 'run\.googleapis\.com\/x' is in the system namespace 'run\.googleapis\.com'/,
  );
});

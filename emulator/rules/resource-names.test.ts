import {
  checkResourceId,
  checkRunLocation,
  parseChild,
  parseExecutionName,
  parseParent,
  parseRevisionName,
} from './resource-names';

it.each([
  ['projects/p/locations/us-central1', { project: 'p', location: 'us-central1' }],
  ['projects/my-proj/locations/europe-west1', { project: 'my-proj', location: 'europe-west1' }],
])('parent %s', (name, parsed) => {
  expect(parseParent(name)).toEqual(parsed);
});

it.each(['projects/p', 'projects/p/locations/l/services/s', '', 'locations/l'])('rejects parent %j', (name) => {
  expect(() => parseParent(name)).toThrow(/Invalid parent .*expected projects\/PROJECT\/locations\/LOCATION/);
});

it('parses children, revisions and executions', () => {
  expect(parseChild('projects/p/locations/l/services/web', 'services')).toEqual({ project: 'p', location: 'l', id: 'web' });
  expect(parseRevisionName('projects/p/locations/l/services/web/revisions/web-00001-abc')).toEqual({
    project: 'p',
    location: 'l',
    service: 'web',
    id: 'web-00001-abc',
  });
  expect(parseExecutionName('projects/p/locations/l/jobs/migrate/executions/migrate-x1y2z')).toEqual({
    project: 'p',
    location: 'l',
    job: 'migrate',
    id: 'migrate-x1y2z',
  });
});

it.each([
  () => parseChild('projects/p/locations/l/jobs/web', 'services'),
  () => parseRevisionName('projects/p/locations/l/services/web'),
  () => parseExecutionName('projects/p/locations/l/jobs/j'),
])('rejects a name of the wrong shape (%#)', (parse) => {
  expect(parse).toThrow(/^Invalid (resource|revision|execution) name/);
});

it.each([
  ['web', true],
  ['a', true],
  ['w'.repeat(49), true],
  ['w'.repeat(50), false],
  ['Web', false],
  ['web-', false],
  ['1web', false],
  ['we_b', false],
])('service ID %s valid: %s', (id, valid) => {
  const check = () => checkResourceId(id, 'Service');
  if (valid) expect(check).not.toThrow();
  else expect(check).toThrow(/Service name '.*' is invalid/);
});

it.each(['us-central1', 'europe-west1', 'asia-northeast1'])('accepts the Cloud Run location %s', (location) => {
  expect(() => checkRunLocation(location)).not.toThrow();
});

it.each(['us-central', 'us-centrall1', 'l', 'global'])('refuses %j, not a Cloud Run location', (location) => {
  expect(() => checkRunLocation(location)).toThrow(`Location '${location}' is not a Cloud Run location`);
});

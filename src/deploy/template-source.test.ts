import type { RevisionFacts } from '../cloudrun/service-state';
import type { Service } from '../cloudrun/services';
import { HISTORY_ANNOTATION } from '../traffic/history';
import { templateOfRevision, templateSource } from './template-source';

const facts = (name: string, ready: boolean): RevisionFacts => ({ name, ready, created: 0 });
const P = 'projects/p/locations/r/services/web';
const service = (revision: string, history?: object[]): Service => ({
  template: { revision },
  latestCreatedRevision: `${P}/revisions/${revision}`,
  annotations: history ? { [HISTORY_ANNOTATION]: JSON.stringify(history) } : {},
});
const promote = (revision: string) => ({ action: 'promote', revision, time: '2026-01-01T00:00:00Z' });

it.each<[string, Service, RevisionFacts[], string | undefined, { kind: string; revision?: string }, RegExp]>([
  [
    "the service's template, when its revision is Ready",
    service('web-b'),
    [facts('web-a', true), facts('web-b', true)],
    'web-a',
    { kind: 'service', revision: 'web-b' },
    /from the service's template \(revision web-b, Ready\)/,
  ],
  [
    'the serving revision, when the stored template failed',
    service('web-b'),
    [facts('web-a', true), facts('web-b', false)],
    'web-a',
    { kind: 'revision', revision: 'web-a' },
    /from web-a, the revision that serves: the service's stored template is that of web-b, which is not Ready/,
  ],
  [
    'the last good release when nothing Ready serves',
    service('web-c', [promote('web-gone'), promote('web-a')]),
    [facts('web-a', true), facts('web-c', false)],
    undefined,
    { kind: 'revision', revision: 'web-a' },
    /from web-a, the last good release in the history/,
  ],
  [
    'the inputs alone when no revision is Ready',
    service('web-a'),
    [facts('web-a', false)],
    undefined,
    { kind: 'none' },
    /from the inputs alone: no revision is Ready/,
  ],
  [
    'the latest created revision when the template names none',
    { template: {}, latestCreatedRevision: `${P}/revisions/web-x` },
    [facts('web-x', false), facts('web-w', true)],
    'web-w',
    { kind: 'revision', revision: 'web-w' },
    /stored template is that of web-x/,
  ],
])('%s', (_, svc, revisions, serving, expected, message) => {
  const source = templateSource(svc, revisions, serving);
  expect(source).toMatchObject(expected);
  expect(source.message).toMatch(message);
});

it('a revision gives back its template: shared fields, user labels and annotations only, no name', () => {
  const template = templateOfRevision({
    name: `${P}/revisions/web-a`,
    uid: 'u',
    labels: { team: 'web', 'run.googleapis.com/x': '1' },
    annotations: { 'runway.dev/note': 'n', 'serving.knative.dev/creator': 'c' },
    containers: [{ image: 'us-docker.pkg.dev/p/r/web@sha256:' + 'a'.repeat(64), env: [{ name: 'A', value: '1' }] }],
    scaling: { maxInstanceCount: 3 },
    maxInstanceRequestConcurrency: 40,
    serviceAccount: 'app@p.iam.gserviceaccount.com',
    conditions: [{ type: 'Ready' }],
  });
  expect(template).toEqual({
    labels: { team: 'web' },
    annotations: { 'runway.dev/note': 'n' },
    containers: [{ image: 'us-docker.pkg.dev/p/r/web@sha256:' + 'a'.repeat(64), env: [{ name: 'A', value: '1' }] }],
    scaling: { maxInstanceCount: 3 },
    maxInstanceRequestConcurrency: 40,
    serviceAccount: 'app@p.iam.gserviceaccount.com',
  });
});

import { readInputs } from '../inputs';
import { rollbackAction } from '../traffic/inputs';
import { checkProject, projectFromEnv, resolveTarget, revisionName, serviceName } from './target';

describe('project resolution', () => {
  it.each([
    { env: {}, project: undefined },
    { env: { GCLOUD_PROJECT: 'from-gcloud' }, project: 'from-gcloud' },
    { env: { GOOGLE_CLOUD_PROJECT: 'b-project', CLOUDSDK_CORE_PROJECT: 'a-project' }, project: 'a-project' },
    { env: { GCP_PROJECT: '  ' }, project: undefined },
  ])('$env -> $project', ({ env, project }) => {
    expect(projectFromEnv(env)).toBe(project);
  });

  it('names project-id when neither the input nor the environment gives a project', () => {
    expect(checkProject(undefined, {})).toEqual([expect.objectContaining({ input: 'project-id' })]);
    expect(checkProject('my-project', {})).toEqual([]);
  });
});

describe('service target', () => {
  it('builds resource names from inputs and the environment', () => {
    const values = readInputs(rollbackAction, (n) => ({ service: 'web' })[n], { GCLOUD_PROJECT: 'acme-prod' });
    const target = resolveTarget(values, { GCLOUD_PROJECT: 'acme-prod' });
    expect(target).toEqual({ project: 'acme-prod', region: 'us-central1', service: 'web' });
    expect(serviceName(target)).toBe('projects/acme-prod/locations/us-central1/services/web');
    expect(revisionName(target, 'web-00002-abc')).toBe(
      'projects/acme-prod/locations/us-central1/services/web/revisions/web-00002-abc',
    );
  });

  it.each([
    ['service', 'Web_App', /Cloud Run service name/],
    ['service', `a${'b'.repeat(49)}`, /at most 49/],
    ['region', 'US-CENTRAL1', /region such as us-central1/],
    ['project-id', 'x', /project ID/],
  ])('rejects %s=%s', (name, value, message) => {
    const raw = { service: 'web', 'project-id': 'acme-prod', [name]: value } as Record<string, string>;
    expect(() => readInputs(rollbackAction, (n) => raw[n], {})).toThrow(message);
  });
});

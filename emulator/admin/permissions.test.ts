import { Permissions } from './permissions';

describe('Permissions', () => {
  it('holds every permission asked about except the denied ones, until cleared', () => {
    const p = new Permissions();
    const asked = ['artifactregistry.repositories.uploadArtifacts', 'run.services.get'];
    expect(p.held(asked)).toEqual(asked);
    p.deny('artifactregistry.repositories.uploadArtifacts');
    expect(p.held(asked)).toEqual(['run.services.get']);
    expect(p.list()).toEqual(['artifactregistry.repositories.uploadArtifacts']);
    p.clear();
    expect(p.held(asked)).toEqual(asked);
    expect(p.held(undefined)).toEqual([]);
  });

  it.each([undefined, 7, 'uploadArtifacts', 'a.b', 'Run.services.get'])('rejects %j naming the form allowed', (permission) => {
    expect(() => new Permissions().deny(permission)).toThrow(/is not valid: use SERVICE.RESOURCE.VERB/);
  });
});

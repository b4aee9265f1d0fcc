import { createRepositoryCommand, grantWriterCommand } from './repository';

const image = { location: 'europe-west1', project: 'acme', repository: 'apps', image: 'web' };

describe('commands in repository errors', () => {
  it('creates the missing repository', () => {
    expect(createRepositoryCommand(image)).toBe(
      'gcloud artifacts repositories create apps --repository-format=docker --location=europe-west1 --project=acme',
    );
  });
  it.each([
    ['deployer@acme.iam.gserviceaccount.com', 'serviceAccount:deployer@acme.iam.gserviceaccount.com'],
    [undefined, 'serviceAccount:DEPLOYER_EMAIL'],
  ])('grants Artifact Registry Writer to %s', (principal, member) => {
    expect(grantWriterCommand(image, principal)).toBe(
      `gcloud artifacts repositories add-iam-policy-binding apps --location=europe-west1 --project=acme --member=${member} --role=roles/artifactregistry.writer`,
    );
  });
});

/**
 * Checks, before anything is built, that the Artifact Registry repository of an image exists and
 * that the caller may upload to it, so a missing repository or role fails in seconds with the
 * command that fixes it instead of at the end of a build.
 */
import { status } from '@grpc/grpc-js';
import type { ArtifactRegistryClient } from '@google-cloud/artifact-registry';
import { describeApiError, errorCode, memberFor } from '../cloudrun/errors';
import { withRetry } from '../cloudrun/retry';
import { repositoryName, type ArtifactRegistryImage } from './reference';

/** The permission `docker push` needs (https://cloud.google.com/artifact-registry/docs/access-control#permissions). */
export const UPLOAD_PERMISSION = 'artifactregistry.repositories.uploadArtifacts';

export class RepositoryProblem extends Error {}

export type RepositoryApi = Pick<ArtifactRegistryClient, 'getRepository' | 'testIamPermissions'>;

export const createRepositoryCommand = (i: ArtifactRegistryImage): string =>
  `gcloud artifacts repositories create ${i.repository} --repository-format=docker --location=${i.location} --project=${i.project}`;

export const grantWriterCommand = (i: ArtifactRegistryImage, principal?: string): string =>
  `gcloud artifacts repositories add-iam-policy-binding ${i.repository} --location=${i.location} --project=${i.project} ` +
  `--member=${principal ? memberFor(principal) : 'serviceAccount:DEPLOYER_EMAIL'} --role=roles/artifactregistry.writer`;

/**
 * Resolves when the repository exists and the caller may upload. Returns a note when the endpoint
 * cannot answer the permission question (an endpoint without IAM, such as a local emulator).
 */
export async function checkRepository(
  api: RepositoryApi,
  image: ArtifactRegistryImage,
  principal?: string,
): Promise<{ note?: string }> {
  const name = repositoryName(image);
  try {
    const [repository] = await withRetry(() => api.getRepository({ name }));
    if (repository.format && repository.format !== 'DOCKER')
      throw new RepositoryProblem(
        `The Artifact Registry repository ${name} holds ${repository.format} packages, not Docker images.`,
      );
  } catch (e) {
    if (e instanceof RepositoryProblem) throw e;
    if (errorCode(e) === status.NOT_FOUND)
      throw new RepositoryProblem(
        `The Artifact Registry repository ${name} does not exist. Create it once:\n  ${createRepositoryCommand(image)}`,
      );
    throw new RepositoryProblem(`Could not read the Artifact Registry repository ${name}: ${describeApiError(e, { principal })}`);
  }
  let granted: string[];
  try {
    const [response] = await withRetry(() => api.testIamPermissions({ resource: name, permissions: [UPLOAD_PERMISSION] }));
    granted = response.permissions ?? [];
  } catch (e) {
    if (errorCode(e) === status.UNIMPLEMENTED)
      return { note: `${name}: the endpoint cannot test IAM permissions; upload permission not checked.` };
    throw new RepositoryProblem(`Could not test permissions on ${name}: ${describeApiError(e, { principal })}`);
  }
  if (!granted.includes(UPLOAD_PERMISSION))
    throw new RepositoryProblem(
      `${principal ?? 'The caller'} may not push to ${name} (missing ${UPLOAD_PERMISSION}). Grant Artifact Registry Writer on the repository:\n  ${grantWriterCommand(image, principal)}`,
    );
  return {};
}

/**
 * The emulator has no IAM policies: a caller holds every permission it asks about, except those a
 * test denies through the admin endpoint to reproduce a missing role. TestIamPermissions answers
 * with the subset of the asked permissions the caller holds, as the real method does
 * (google/iam/v1/iam_policy.proto, TestIamPermissionsResponse: "A subset of
 * TestPermissionsRequest.permissions that the caller is allowed").
 */
export class Permissions {
  private denied = new Set<string>();

  /** Denies `permission` (e.g. `artifactregistry.repositories.uploadArtifacts`) to every caller. */
  deny(permission: unknown): string {
    if (typeof permission !== 'string' || !/^[a-z][a-zA-Z]*(\.[a-zA-Z]+){2}$/.test(permission))
      throw new Error(
        `permission ${JSON.stringify(permission)} is not valid: use SERVICE.RESOURCE.VERB, e.g. artifactregistry.repositories.uploadArtifacts`,
      );
    this.denied.add(permission);
    return permission;
  }

  clear(): void {
    this.denied.clear();
  }

  list(): string[] {
    return [...this.denied];
  }

  held(permissions: readonly string[] | null | undefined): string[] {
    return (permissions ?? []).filter((p) => !this.denied.has(p));
  }
}

import { defineAction, input, kinds, type InputProblem } from '../inputs';
import { allowMigrations, migrationCommand, migrationPolicy, POLICY_DEFAULT } from '../migrations/inputs';
import { RULE_IDS } from './findings';

const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const BUILD_ARG = /^[A-Za-z_][A-Za-z0-9_]*=[\s\S]*$/;
const SECRET = /^[A-Za-z0-9_][A-Za-z0-9_.-]*=(env:[A-Za-z_][A-Za-z0-9_]*|[^\s].*)$/;

/** Cloud Run runs linux/amd64 only: anything else would be refused at deploy time, so refuse it now. */
export const PLATFORM = 'linux/amd64';

export const buildImageAction = defineAction({
  id: 'build-image',
  name: 'Runway: build image',
  description: 'Builds a Prisma-ready image, checks it for Prisma engine and OpenSSL problems, and pushes it with its digest.',
  inputs: {
    image: input(
      'Registry path of the image, without tag (e.g. us-central1-docker.pkg.dev/PROJECT/REPO/APP)',
      kinds.pattern(/^[a-z0-9.:\-_/]+$/, 'an image path without tag or digest'),
    ),
    context: input('Build context directory', kinds.text).default('.'),
    dockerfile: input('Dockerfile path, relative to the working directory', kinds.text).default('Dockerfile'),
    tags: input(
      'Tags to push besides the commit SHA (GITHUB_SHA), which is always pushed when set',
      kinds.list(kinds.pattern(TAG, 'a tag: letters, digits, _ . - (up to 128, not starting with . or -)')),
    ),
    'build-args': input('Build arguments, one KEY=VALUE per line', kinds.lines(kinds.pattern(BUILD_ARG, 'KEY=VALUE'))),
    'build-secrets': input(
      'Build secrets, one ID=FILE or ID=env:VARIABLE per line (e.g. ca=/etc/ssl/certs/ca-certificates.crt for a TLS-intercepting proxy). ' +
        'With buildx they are `--secret id=ID,src=FILE` (RUN --mount=type=secret,id=ID); the classic builder has no secrets, so the file is ' +
        'copied to .runway/secrets/ID in the build context for the build and removed after it: COPY it only in a build stage',
      kinds.lines(kinds.pattern(SECRET, 'ID=FILE or ID=env:VARIABLE')),
    ),
    target: input('Dockerfile stage to build (default: the last one)', kinds.pattern(/^[A-Za-z0-9_.-]+$/, 'a stage name')),
    platform: input(
      'Target platform',
      kinds.pattern(/^linux\/amd64$/, 'linux/amd64, the only platform Cloud Run runs (multi-platform images are refused)'),
    ).default(PLATFORM),
    cache: input(
      'Layer cache: a registry reference or `gha`. Default: IMAGE:buildcache when the image is pushed, beside it in its repository ' +
        '(with a buildx builder that exports, such as docker/setup-buildx-action makes, one cache manifest of every stage; otherwise ' +
        'IMAGE:buildcache and IMAGE:buildcache-STAGE images, pulled for --cache-from), so the composite, release.yml and a laptop share it. ' +
        '`gha` needs that buildx builder and a JavaScript action (a composite run: step has no ACTIONS_RUNTIME_TOKEN)',
      kinds.pattern(/^(gha|[a-z0-9.:\-_/]+:[A-Za-z0-9_][A-Za-z0-9_.-]*)$/, 'gha or an image reference with a tag'),
    ),
    push: input('Push the image; false builds and checks only', kinds.bool).default('true'),
    network: input(
      "Network for the build's RUN steps (`docker build --network`); Docker's default when not given",
      kinds.oneOf('default', 'host', 'none'),
    ),
    provenance: input(
      'SLSA provenance attestation, as docker/build-push-action: false, true, mode=min or mode=max. Needs buildx with a builder that ' +
        'exports (docker/setup-buildx-action) and push; the image is then an index of the linux/amd64 image and its attestation, ' +
        'which Cloud Run accepts (its container contract: a manifest list must include linux/amd64)',
      kinds.oneOf('false', 'true', 'mode=min', 'mode=max'),
    ).default('false'),
    'prisma-check': input(
      'Prisma readiness check: strict fails the build on an error, warn reports only, off skips it',
      kinds.oneOf('strict', 'warn', 'off'),
    ).default('strict'),
    'prisma-schema': input('Path of the Prisma schema (file or folder); found in the monorepo when not given', kinds.text),
    workspace: input(
      'The monorepo app this image runs (folder such as apps/web, or its package name): picks its schema and scans it for NEXT_PUBLIC_*',
      kinds.text,
    ),
    'check-only': input(
      'Run the static checks and stop before building (for pull requests); `image` is then not needed',
      kinds.bool,
    ).default('false'),
    'base-ref': input(
      "With check-only: the pull request's base branch; the migrations the pull request adds against it are checked as deploy-cloudrun checks them (default: GITHUB_BASE_REF, set on pull_request events; the checkout needs fetch-depth: 0)",
      kinds.text,
    ),
    'migration-policy': input(
      "With check-only and a base ref: what fails the check, per kind of finding (as deploy-cloudrun's migration-policy)",
      migrationPolicy,
    ).default(POLICY_DEFAULT),
    'allow-migrations': input(
      "With check-only and a base ref: migrations (folder names) let through on purpose (as deploy-cloudrun's allow-migrations)",
      allowMigrations,
    ),
    'migration-command': input(
      "deploy-cloudrun's migration-command: the built image is checked for its program (for prisma migrate deploy, the Prisma CLI; for a shell command, /bin/sh)",
      migrationCommand,
    ),
    ignore: input(
      'Rule IDs whose findings are reported as notes and never fail the check (each annotation names its rule ID; see the README)',
      kinds.list(kinds.oneOf(...RULE_IDS)),
    ),
  },
  outputs: {
    digest: "Image digest, equal to the registry's manifest digest",
    'image-ref': 'image@digest',
    tags: 'Tags pushed, one per line',
    metadata: 'JSON build metadata',
    'prisma-report': 'JSON report of the Prisma readiness checks',
  },
  check: (v, env) => {
    const problems: InputProblem[] = [];
    if (!env.GITHUB_SHA && (v.tags ?? []).length === 0 && !v['check-only'])
      problems.push({ input: 'tags', message: 'is required when GITHUB_SHA is not set (nothing to tag the image with)' });
    if (!v.image && !v['check-only']) problems.push({ input: 'image', message: 'is required unless check-only is true' });
    if (v.image && (v.image.includes('@') || /:[^/]*$/.test(v.image.replace(/^[^/]+\//, ''))))
      problems.push({ input: 'image', message: `"${v.image}" must not carry a tag or digest; put tags in "tags"` });
    return problems;
  },
});

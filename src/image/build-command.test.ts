import {
  builderOf,
  buildxArgs,
  buildxAttestedPushArgs,
  buildxCacheArgs,
  amd64Manifest,
  configDigest,
  cacheSpec,
  cacheImages,
  classicBuildArgs,
  classicCacheHits,
  imageTags,
  manifestProblem,
  ociLabels,
  pushedDigest,
  type BuildPlan,
} from './build-command';

const base: BuildPlan = {
  context: '.',
  dockerfile: 'Dockerfile',
  tags: ['127.0.0.1:5000/app:abc'],
  buildArgs: [],
  secrets: [],
  platform: 'linux/amd64',
  labels: {},
  iidFile: '/tmp/iid',
  metadataFile: '/tmp/meta.json',
  network: 'host',
};

describe('buildxArgs', () => {
  it.each<[string, Partial<BuildPlan>, string[]]>([
    [
      'minimal',
      {},
      [
        'buildx',
        'build',
        '--network',
        'host',
        '--file',
        'Dockerfile',
        '--tag',
        '127.0.0.1:5000/app:abc',
        '--iidfile',
        '/tmp/iid',
        '--progress=plain',
        '--platform',
        'linux/amd64',
        '--metadata-file',
        '/tmp/meta.json',
        '--provenance=false',
        '--sbom=false',
        '--load',
        '.',
      ],
    ],
    [
      'everything',
      {
        context: 'apps',
        dockerfile: 'apps/Dockerfile',
        tags: ['r/a:1', 'r/a:latest'],
        buildArgs: [
          ['NEXT_PUBLIC_URL', 'https://x'],
          ['EMPTY', ''],
        ],
        secrets: [{ id: 'ca', src: '/etc/ssl/ca.crt' }],
        target: 'runner',
        labels: { 'org.opencontainers.image.revision': 'abc' },
        cache: { type: 'gha', scope: 'r/a' },
      },
      [
        'buildx',
        'build',
        '--network',
        'host',
        '--file',
        'apps/Dockerfile',
        '--tag',
        'r/a:1',
        '--tag',
        'r/a:latest',
        '--build-arg',
        'NEXT_PUBLIC_URL=https://x',
        '--build-arg',
        'EMPTY=',
        '--label',
        'org.opencontainers.image.revision=abc',
        '--target',
        'runner',
        '--iidfile',
        '/tmp/iid',
        '--progress=plain',
        '--platform',
        'linux/amd64',
        '--metadata-file',
        '/tmp/meta.json',
        '--secret',
        'id=ca,src=/etc/ssl/ca.crt',
        '--cache-from',
        'type=gha,scope=r/a',
        '--cache-to',
        'type=gha,mode=max,scope=r/a',
        '--provenance=false',
        '--sbom=false',
        '--load',
        'apps',
      ],
    ],
  ])('%s', (_name, plan, expected) => {
    expect(buildxArgs({ ...base, ...plan })).toEqual(expected);
  });

  it.each<[string, BuildPlan['cache'], string[]]>([
    ['no cache: the local one', undefined, []],
    [
      // An exporting builder (docker/setup-buildx-action): one cache manifest, every stage (mode=max), in the
      // OCI image-manifest form Artifact Registry takes.
      'registry, Artifact Registry',
      { type: 'registry', ref: 'us-central1-docker.pkg.dev/acme/apps/web:buildcache' },
      [
        '--cache-from',
        'type=registry,ref=us-central1-docker.pkg.dev/acme/apps/web:buildcache',
        '--cache-to',
        'type=registry,ref=us-central1-docker.pkg.dev/acme/apps/web:buildcache,mode=max,image-manifest=true,oci-mediatypes=true',
      ],
    ],
    [
      // The docker driver exports inline cache only: every cache image is a source, each build writes inline metadata.
      'cache images, buildx docker driver',
      { type: 'images', ref: 'r/a:buildcache', images: cacheImages('r/a:buildcache', ['deps', 'build']) },
      [
        '--cache-from',
        'type=registry,ref=r/a:buildcache-deps',
        '--cache-from',
        'type=registry,ref=r/a:buildcache-build',
        '--cache-from',
        'type=registry,ref=r/a:buildcache',
        '--cache-to',
        'type=inline',
      ],
    ],
    ['gha', { type: 'gha', scope: 'r/a' }, ['--cache-from', 'type=gha,scope=r/a', '--cache-to', 'type=gha,mode=max,scope=r/a']],
  ])('cache flags: %s', (_name, cache, expected) => {
    expect(buildxCacheArgs(cache)).toEqual(expected);
    const args = buildxArgs({ ...base, cache });
    // Between the metadata file and the attestation flags, as docker/build-push-action orders them.
    expect(args.slice(args.indexOf('/tmp/meta.json') + 1, args.indexOf('--provenance=false'))).toEqual(expected);
  });
});

describe('classicBuildArgs', () => {
  it.each<[string, Partial<BuildPlan>, string[]]>([
    [
      'minimal',
      {},
      ['build', '--network', 'host', '--file', 'Dockerfile', '--tag', '127.0.0.1:5000/app:abc', '--iidfile', '/tmp/iid', '.'],
    ],
    [
      'target; secrets and platform are not flags',
      { target: 'runner', secrets: [{ id: 'ca', src: '/x' }] },
      [
        'build',
        '--network',
        'host',
        '--file',
        'Dockerfile',
        '--tag',
        '127.0.0.1:5000/app:abc',
        '--target',
        'runner',
        '--iidfile',
        '/tmp/iid',
        '.',
      ],
    ],
  ])('%s', (_name, plan, expected) => {
    expect(classicBuildArgs({ ...base, ...plan })).toEqual(expected);
  });

  it('names every cache image in --cache-from', () => {
    const cache = { type: 'images', ref: 'r/a:c', images: cacheImages('r/a:c', ['deps']) } as const;
    expect(classicBuildArgs({ ...base, cache }).slice(-5)).toEqual(['--cache-from', 'r/a:c-deps', '--cache-from', 'r/a:c', '.']);
    // A cache manifest is not an image the classic builder can read: never given to it.
    expect(classicBuildArgs({ ...base, cache: { type: 'registry', ref: 'r/a:c' } })).not.toContain('--cache-from');
  });

  it('gives each named stage before the runtime one a cache image', () => {
    expect(cacheImages('r/a:c', ['deps', 'build'])).toEqual([
      { stage: 'deps', ref: 'r/a:c-deps' },
      { stage: 'build', ref: 'r/a:c-build' },
      { ref: 'r/a:c' },
    ]);
  });
});

describe('helpers', () => {
  it.each([
    [['latest'], 'abc123', ['r/a:abc123', 'r/a:latest']],
    [['abc123', 'v1'], 'abc123', ['r/a:abc123', 'r/a:v1']],
    [undefined, 'abc123', ['r/a:abc123']],
    [['v1'], undefined, ['r/a:v1']],
  ])('imageTags(%j, %s)', (tags, sha, expected) => {
    expect(imageTags('r/a', tags, sha)).toEqual(expected);
  });

  const classic = builderOf(undefined);
  const container = builderOf('Name:   builder\nDriver: docker-container\n');
  const plain = builderOf('Name:   default\nDriver: docker\n');
  const image = 'us-central1-docker.pkg.dev/acme/apps/web';
  // What build-image passes: the image's repository as gha scope, IMAGE:buildcache when it pushes, the build stages.
  const pushing = { scope: image, ref: `${image}:buildcache`, stages: () => ['deps', 'build'] };
  const images = (ref: string) => ({ type: 'images', ref, images: cacheImages(ref, ['deps', 'build']) });
  it.each([
    // The default, when the image is pushed: the registry cache beside it, whatever the builder.
    [
      'default, exporting buildx (setup-buildx-action)',
      undefined,
      container,
      pushing,
      { type: 'registry', ref: `${image}:buildcache` },
    ],
    [
      'default, buildx docker driver (a runner without setup-buildx-action)',
      undefined,
      plain,
      pushing,
      images(`${image}:buildcache`),
    ],
    ['default, classic builder', undefined, classic, pushing, images(`${image}:buildcache`)],
    ['not pushed: the local cache', undefined, container, { ...pushing, ref: undefined }, undefined],
    ['gha, chosen', 'gha', container, pushing, { type: 'gha', scope: image }],
    ['a reference, exporting buildx', 'r/a:cache', container, pushing, { type: 'registry', ref: 'r/a:cache' }],
    ['a reference, classic', 'r/a:cache', classic, pushing, images('r/a:cache')],
    ['a reference, not pushed', 'r/a:cache', plain, { ...pushing, ref: undefined }, images('r/a:cache')],
  ])('cacheSpec: %s', (_name, input, builder, defaults, expected) => {
    expect(cacheSpec(input, builder, defaults)).toEqual(expected);
  });

  it.each([
    ['gha', classic, 'Input "cache": gha needs docker buildx'],
    ['gha', plain, 'Input "cache": gha needs a buildx builder that can export a cache'],
  ])('refuses cache %s with %j', (input, builder, message) => {
    expect(() => cacheSpec(input, builder, pushing)).toThrow(message);
  });

  it('reads the buildx driver', () => {
    expect([classic, container, plain]).toEqual([
      { kind: 'classic' },
      { kind: 'buildx', driver: 'docker-container' },
      { kind: 'buildx', driver: 'docker' },
    ]);
  });

  it('labels the commit and the repository', () => {
    expect(ociLabels({ GITHUB_SHA: 'abc', GITHUB_REPOSITORY: 'o/r' })).toEqual({
      'org.opencontainers.image.revision': 'abc',
      'org.opencontainers.image.source': 'https://github.com/o/r',
    });
  });

  it('reads the digest docker push printed last', () => {
    const d1 = 'sha256:' + '1'.repeat(64);
    const d2 = 'sha256:' + '2'.repeat(64);
    expect(pushedDigest(`abc: Pushed\nv1: digest: ${d1} size: 1\nlatest: digest: ${d2} size: 1570\n`)).toBe(d2);
    expect(pushedDigest('nothing')).toBeUndefined();
  });

  it('counts classic cache hits', () => {
    const out =
      'Step 1/3 : FROM node\n ---> 07820fba6c75\nStep 2/3 : COPY a b\n ---> Using cache\n ---> 1a\nStep 3/3 : RUN x\n ---> Running in 9\n';
    expect(classicCacheHits(out)).toEqual({ steps: 3, cached: 1 });
  });
});

describe('network and provenance', () => {
  it("leaves the network to Docker's default unless given", () => {
    const { network: _, ...plan } = base;
    expect(classicBuildArgs(plan)).not.toContain('--network');
    expect(buildxArgs(plan)).not.toContain('--network');
    expect(classicBuildArgs({ ...plan, network: 'none' })).toEqual(expect.arrayContaining(['--network', 'none']));
  });

  it.each([
    ['true', '--provenance=mode=min'],
    ['mode=max', '--provenance=mode=max'],
  ])('provenance %s pushes with buildx and %s, without --load or --iidfile', (provenance, flag) => {
    const args = buildxAttestedPushArgs(base, provenance);
    expect(args.slice(0, 2)).toEqual(['buildx', 'build']);
    expect(args).toEqual(expect.arrayContaining([flag, '--push', '--sbom=false', '--platform', 'linux/amd64']));
    expect(args).not.toContain('--load');
    expect(args).not.toContain('--iidfile');
    expect(args).not.toContain('--provenance=false');
    expect(args.at(-1)).toBe('.');
  });
});

describe('manifestProblem', () => {
  const d = 'sha256:' + 'a'.repeat(64);
  it.each([
    [{ isIndex: false, digest: d, platforms: ['linux/amd64'] }, d, undefined],
    [{ isIndex: false, digest: d, platforms: [] }, undefined, undefined],
    // Cloud Run takes an index that includes linux/amd64 (an attestation shows as unknown/unknown).
    [{ isIndex: true, digest: '', platforms: ['linux/amd64', 'unknown/unknown'] }, d, undefined],
    [
      { isIndex: true, digest: '', platforms: ['linux/arm64'] },
      d,
      'r/a:1 is an index of linux/arm64 without linux/amd64, the only platform Cloud Run runs.',
    ],
    [{ isIndex: false, digest: d, platforms: ['linux/arm64'] }, d, 'r/a:1 is for linux/arm64; Cloud Run runs only linux/amd64.'],
    [
      { isIndex: false, digest: d, platforms: ['linux/amd64'] },
      'sha256:' + 'b'.repeat(64),
      `docker push reported sha256:${'b'.repeat(64)} but the registry serves ${d} for r/a:1`,
    ],
  ])('%j pushed %s', (remote, pushed, expected) => {
    expect(manifestProblem('r/a:1', remote, pushed)).toBe(expected);
  });
});

describe('the image in an attested index', () => {
  it('finds the linux/amd64 entry beside its attestation, and the config digest of a manifest', () => {
    const index = JSON.stringify({
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { digest: 'sha256:img', platform: { os: 'linux', architecture: 'amd64' } },
        {
          digest: 'sha256:att',
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest' },
        },
      ],
    });
    expect(amd64Manifest(index)).toBe('sha256:img');
    expect(
      amd64Manifest(JSON.stringify({ manifests: [{ digest: 'sha256:arm', platform: { os: 'linux', architecture: 'arm64' } }] })),
    ).toBeUndefined();
    expect(configDigest(JSON.stringify({ config: { digest: 'sha256:cfg' } }))).toBe('sha256:cfg');
  });
});

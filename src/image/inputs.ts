import { defineAction, input, kinds } from '../inputs';

export const buildImage = defineAction({
  id: 'build-image',
  name: 'Runway: build image',
  description: 'Builds a Prisma-ready image, checks it for Prisma engine and OpenSSL problems, and pushes it with its digest.',
  inputs: {
    image: input(
      'Registry path of the image, without tag (e.g. us-central1-docker.pkg.dev/PROJECT/REPO/APP)',
      kinds.pattern(/^[a-z0-9.:\-_/]+$/, 'an image path without tag or digest'),
    ).required(),
    context: input('Build context directory', kinds.text).default('.'),
    dockerfile: input('Dockerfile path, relative to the repository root', kinds.text).default('Dockerfile'),
  },
  outputs: {
    digest: "Image digest, equal to the registry's manifest digest",
    'image-ref': 'image@digest',
    tags: 'Tags pushed, one per line',
    metadata: 'JSON build metadata',
    'prisma-report': 'JSON report of the Prisma readiness checks',
  },
});

import { imageHost, imageHostProblem, isLoopbackHost } from './image-hosts';

it.each<[string, string | undefined]>([
  ['nginx', undefined],
  ['library/nginx:1', undefined],
  ['docker.io/library/nginx', 'docker.io'],
  ['127.0.0.1:5000/app', '127.0.0.1:5000'],
  ['localhost/app', 'localhost'],
])('imageHost(%j) = %j', (image, host) => expect(imageHost(image)).toBe(host));

it.each<[string, boolean]>([
  ['us-central1-docker.pkg.dev/p/r/web:1', true],
  ['docker.pkg.dev/p/r/web', true],
  ['us-docker.pkg.dev/p/r/web', true],
  ['gcr.io/p/web', true],
  ['eu.gcr.io/p/web@sha256:' + 'a'.repeat(64), true],
  ['docker.io/library/nginx', true],
  ['nginx:1', true],
  ['ghcr.io/acme/web', false],
  ['docker.n8n.io/n8nio/n8n:latest', false],
  ['quay.io/acme/web', false],
  ['evil-gcr.io/p/web', false],
  ['gcr.io.example.com/p/web', false],
  ['127.0.0.1:5000/app', false],
])('%s: Cloud Run pulls it: %s', (image, pulls) => {
  const problem = imageHostProblem(image);
  expect(problem === undefined).toBe(pulls);
  if (problem) {
    expect(problem).toContain(`but obtained ${image}.`);
    expect(problem).toMatch(/Artifact Registry remote repository/);
  }
});

it('another host passes when the caller allows it', () => {
  expect(imageHostProblem('127.0.0.1:5000/app', (h) => h === '127.0.0.1:5000')).toBeUndefined();
});

it.each<[string, boolean]>([
  ['127.0.0.1:5000', true],
  ['127.0.0.2', true],
  ['localhost:5000', true],
  ['[::1]:5000', true],
  ['10.0.0.1:5000', false],
  ['localhost.example.com', false],
])('isLoopbackHost(%j) = %s', (host, loopback) => expect(isLoopbackHost(host)).toBe(loopback));

import { engineTarget, installsOpenSsl, newestOpenSsl, platformOfFacts, platformOfImage } from './platforms';

describe('platformOfImage', () => {
  it.each([
    ['node:24-bookworm-slim', 'debian', 'glibc', '3.0.x', false, 'debian-openssl-3.0.x'],
    ['node:24-bookworm', 'debian', 'glibc', '3.0.x', true, 'debian-openssl-3.0.x'],
    ['node:20', 'debian', 'glibc', '3.0.x', true, 'debian-openssl-3.0.x'],
    ['node:16', 'debian', 'glibc', '1.1.x', true, 'debian-openssl-1.1.x'],
    ['node:18-bullseye-slim', 'debian', 'glibc', '1.1.x', false, 'debian-openssl-1.1.x'],
    ['node:20-alpine', 'alpine', 'musl', '3.0.x', false, 'linux-musl-openssl-3.0.x'],
    ['node:16-alpine3.16', 'alpine', 'musl', '1.1.x', false, 'linux-musl'],
    ['alpine:3.17', 'alpine', 'musl', '3.0.x', false, 'linux-musl-openssl-3.0.x'],
    ['docker.io/library/debian:11-slim', 'debian', 'glibc', '1.1.x', false, 'debian-openssl-1.1.x'],
    ['ubuntu:22.04', 'ubuntu', 'glibc', '3.0.x', true, 'debian-openssl-3.0.x'],
    ['gcr.io/distroless/nodejs20-debian11', 'distroless', 'glibc', '1.1.x', true, 'debian-openssl-1.1.x'],
    ['registry.access.redhat.com/ubi8/nodejs-20', undefined, undefined, undefined, undefined, undefined],
    ['redhat/ubi9', 'rhel', 'glibc', '3.0.x', true, 'rhel-openssl-3.0.x'],
  ])('%s', (image, family, libc, openssl, installed, target) => {
    const p = platformOfImage(image);
    expect(p && [p.family, p.libc, p.openssl, p.opensslInstalled, engineTarget(p)]).toEqual(
      family ? [family, libc, openssl, installed, target] : undefined,
    );
  });
});

describe('image facts', () => {
  it.each([
    [['/usr/lib/x86_64-linux-gnu/libssl.so.3'], '3.0.x'],
    [['/lib/libssl.so.1.1', '/lib/libssl.so.3'], '3.0.x'],
    [['/usr/lib/libssl.so.1.1'], '1.1.x'],
    [['/usr/lib/libssl.so.1.0.2'], '1.0.x'],
    [['/usr/lib/libcrypto.so.3'], undefined],
  ])('newestOpenSsl(%j) = %s', (files, v) => {
    expect(newestOpenSsl(files)).toBe(v);
  });

  it('names the engine target of a built image', () => {
    expect(engineTarget(platformOfFacts({ osId: 'alpine', libc: 'musl', libssl: ['/lib/libssl.so.3'] })!)).toBe(
      'linux-musl-openssl-3.0.x',
    );
    expect(platformOfFacts({ osId: 'debian', libc: 'glibc', libssl: [] })).toMatchObject({ opensslInstalled: false });
    expect(platformOfFacts({ libssl: [] })).toBeUndefined();
  });
});

describe('installsOpenSsl', () => {
  it.each([
    ['apk add --no-cache openssl', 'default'],
    ['apk add --no-cache libc6-compat openssl1.1-compat', '1.1.x'],
    ['apt-get update && apt-get install -y --no-install-recommends openssl ca-certificates', 'default'],
    ['apt-get install -y libssl3', '3.0.x'],
    ['echo openssl', undefined],
    ['apk add curl', undefined],
  ])('%s', (cmd, v) => {
    expect(installsOpenSsl(cmd)).toBe(v);
  });
});

/**
 * What Prisma's engines need from an image: the C library and OpenSSL of a base image (known by its
 * name), what a Dockerfile installs, and the Prisma engine target name for a platform. Pure.
 */

export type Libc = 'glibc' | 'musl';
/** OpenSSL lines Prisma builds engines for. */
export type OpenSsl = '1.0.x' | '1.1.x' | '3.0.x';

export interface Platform {
  /** debian, ubuntu, alpine, rhel (and its kin), distroless. */
  readonly family: string;
  readonly release?: string;
  readonly libc: Libc;
  readonly openssl: OpenSsl;
  /** False when the image ships without libssl (slim and Alpine images): it must be installed. */
  readonly opensslInstalled: boolean;
  /** Human text, e.g. "Debian 12 (bookworm), OpenSSL 3.0". */
  readonly description: string;
}

const DEBIAN: Record<string, [string, OpenSsl]> = {
  stretch: ['9', '1.1.x'],
  buster: ['10', '1.1.x'],
  bullseye: ['11', '1.1.x'],
  bookworm: ['12', '3.0.x'],
  trixie: ['13', '3.0.x'],
};
const UBUNTU: Record<string, [string, OpenSsl]> = {
  bionic: ['18.04', '1.1.x'],
  focal: ['20.04', '1.1.x'],
  jammy: ['22.04', '3.0.x'],
  noble: ['24.04', '3.0.x'],
};
const DEBIAN_BY_NUMBER = Object.fromEntries(Object.entries(DEBIAN).map(([name, [n]]) => [n, name]));
const UBUNTU_BY_NUMBER = Object.fromEntries(Object.entries(UBUNTU).map(([name, [n]]) => [n, name]));

const sslText = (v: OpenSsl): string => `OpenSSL ${v.replace('.x', '')}`;

function debian(codename: string, slim: boolean): Platform {
  const [n, ssl] = DEBIAN[codename];
  return glibc('debian', n, ssl, !slim, `Debian ${n} (${codename}${slim ? ', slim: no OpenSSL' : ''}), ${sslText(ssl)}`);
}

function glibc(
  family: 'debian' | 'ubuntu',
  release: string,
  openssl: OpenSsl,
  opensslInstalled: boolean,
  description: string,
): Platform {
  return { family, release, libc: 'glibc', openssl, opensslInstalled, description };
}

function alpine(version: string | undefined): Platform {
  const [major, minor] = (version ?? '3.99').split('.').map(Number);
  const ssl: OpenSsl = major > 3 || (major === 3 && minor >= 17) ? '3.0.x' : '1.1.x';
  return {
    family: 'alpine',
    release: version,
    libc: 'musl',
    openssl: ssl,
    opensslInstalled: false,
    description: `Alpine ${version ?? '(latest)'} (musl), ${sslText(ssl)} when installed`,
  };
}

/**
 * What an image name says about its platform, or undefined when it cannot tell (a private base image).
 * Official node images: Node 18+ default to Debian bookworm, older ones to bullseye.
 */
export function platformOfImage(image: string): Platform | undefined {
  const ref = image.replace(/@sha256:[a-f0-9]+$/, '');
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  const name = (colon > slash ? ref.slice(0, colon) : ref).replace(/^docker\.io\/(library\/)?/, '');
  const tag = colon > slash ? ref.slice(colon + 1) : 'latest';
  const repo = name.split('/').at(-1) ?? name;
  const slim = /(^|-)slim(-|$)/.test(tag);

  if (name.includes('distroless')) {
    const m = /debian(\d+)/.exec(`${name}:${tag}`);
    const codename = DEBIAN_BY_NUMBER[m?.[1] ?? '12'] ?? 'bookworm';
    const p = debian(codename, false);
    return { ...p, family: 'distroless', description: `Distroless ${p.description}` };
  }
  const alpineTag = /alpine(\d+\.\d+)?/.exec(tag);
  if (repo === 'alpine') return alpine(/^\d+\.\d+/.exec(tag)?.[0]);
  if (alpineTag) return alpine(alpineTag[1]);
  const codename = Object.keys(DEBIAN).find((c) => tag.includes(c));
  if (codename) return debian(codename, slim);
  const ubuntu = Object.keys(UBUNTU).find((c) => tag.includes(c));
  if (repo === 'ubuntu' || ubuntu) {
    const c = ubuntu ?? UBUNTU_BY_NUMBER[/^\d+\.\d+/.exec(tag)?.[0] ?? ''] ?? 'noble';
    const [n, ssl] = UBUNTU[c];
    return glibc('ubuntu', n, ssl, true, `Ubuntu ${n} (${c}), ${sslText(ssl)}`);
  }
  if (repo === 'debian') {
    const c = DEBIAN_BY_NUMBER[/^\d+/.exec(tag)?.[0] ?? ''] ?? 'bookworm';
    return debian(c, slim);
  }
  if (repo === 'node') {
    const major = Number(/^(\d+)/.exec(tag)?.[1] ?? '24');
    return debian(
      major >= 18 || tag.startsWith('lts') || tag.startsWith('current') || tag === 'latest' ? 'bookworm' : 'bullseye',
      slim,
    );
  }
  if (/^(ubi\d*|ubi\d+-minimal)$/.test(repo) || repo === 'amazonlinux') {
    const v = Number(/(\d+)/.exec(repo === 'amazonlinux' ? tag : name)?.[1] ?? '9');
    const ssl: OpenSsl = repo === 'amazonlinux' ? (v >= 2023 ? '3.0.x' : '1.0.x') : v >= 9 ? '3.0.x' : '1.1.x';
    return {
      family: 'rhel',
      release: String(v),
      libc: 'glibc',
      openssl: ssl,
      opensslInstalled: true,
      description: `${repo} ${v}, ${sslText(ssl)}`,
    };
  }
  return undefined;
}

/** What /etc/os-release, the libc loader and the libssl files of a built image say. */
export function platformOfFacts(facts: {
  osId?: string;
  osVersion?: string;
  libc?: Libc;
  libssl: string[];
}): Platform | undefined {
  const ssl = newestOpenSsl(facts.libssl);
  if (!facts.libc) return undefined;
  const family =
    facts.osId === 'alpine'
      ? 'alpine'
      : /rhel|centos|fedora|amzn|rocky|almalinux|ol/.test(facts.osId ?? '')
        ? 'rhel'
        : (facts.osId ?? 'linux');
  return {
    family,
    release: facts.osVersion,
    libc: facts.libc,
    // Without libssl, Prisma 5/6 cannot detect a version and assume 1.1.x: that is the engine they load.
    openssl: ssl ?? '1.1.x',
    opensslInstalled: ssl !== undefined,
    description:
      `${facts.osId ?? 'unknown OS'} ${facts.osVersion ?? ''} (${facts.libc}), ${ssl ? sslText(ssl) : 'no libssl'}`.replace(
        /\s+/g,
        ' ',
      ),
  };
}

/** `libssl.so.3` → 3.0.x, `libssl.so.1.1` → 1.1.x; the newest present wins, as in Prisma's detection. */
export function newestOpenSsl(files: readonly string[]): OpenSsl | undefined {
  const versions = files.map((f) => /libssl\.so\.(\d+)(?:\.(\d+))?/.exec(f)).filter((m) => m !== null);
  if (versions.some((m) => Number(m[1]) >= 3)) return '3.0.x';
  if (versions.some((m) => m[1] === '1' && m[2] === '1')) return '1.1.x';
  if (versions.some((m) => m[1] === '1' && m[2] === '0')) return '1.0.x';
  return undefined;
}

/** Prisma's name for a platform (linux/amd64): debian-openssl-3.0.x, linux-musl-openssl-3.0.x, rhel-openssl-1.1.x... */
export function engineTarget(p: Pick<Platform, 'family' | 'libc' | 'openssl'>): string {
  if (p.libc === 'musl') return p.openssl === '1.1.x' ? 'linux-musl' : `linux-musl-openssl-${p.openssl}`;
  return `${p.family === 'rhel' ? 'rhel' : 'debian'}-openssl-${p.openssl}`;
}

/**
 * Which OpenSSL a RUN line installs, if any: `apk add openssl`, `apt-get install -y openssl libssl3`,
 * `apk add openssl1.1-compat`, `microdnf install openssl`. Returns the OpenSSL line, or 'default' for the
 * distribution's own version.
 */
export function installsOpenSsl(command: string): OpenSsl | 'default' | undefined {
  if (!/\b(apk\s+add|apt-get\s+install|apt\s+install|(micro)?dnf\s+install|yum\s+install)\b/.test(command)) return undefined;
  if (/\b(openssl1\.1-compat|libssl1\.1)\b/.test(command)) return '1.1.x';
  if (/\blibssl3\b/.test(command)) return '3.0.x';
  if (/(^|\s)openssl(\s|$)/.test(command) || /\blibssl-dev\b|\bopenssl-dev\b/.test(command)) return 'default';
  return undefined;
}

import { clientGenerator, parseSchema, settingText } from './prisma-schema';

const schema = `// comment
datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator erd {
  provider = "prisma-erd-generator"
}

generator client {
  provider      = "prisma-client-js" // trailing comment
  output        = "../generated/client"
  binaryTargets = [
    "native",
    "linux-musl-openssl-3.0.x"
  ]
  engineType    = "library"
}

model User {
  id Int @id
}
`;

describe('parseSchema', () => {
  const parsed = parseSchema(schema);

  it('reads every generator and the datasource provider', () => {
    expect(parsed.generators.map((g) => [g.name, g.line])).toEqual([
      ['erd', 7],
      ['client', 11],
    ]);
    expect(parsed.datasourceProvider).toBe('postgresql');
  });

  it('picks the client generator with each setting and its line', () => {
    const g = clientGenerator(parsed)!;
    expect(g.name).toBe('client');
    expect(g.provider).toEqual({ value: 'prisma-client-js', line: 12 });
    expect(g.output).toEqual({ value: '../generated/client', line: 13 });
    expect(g.binaryTargets).toEqual({ value: ['native', 'linux-musl-openssl-3.0.x'], line: 14 });
    expect(settingText(g.engineType)).toBe('library');
  });

  it.each([
    ['generator client {\n  provider = "prisma-client"\n  output = "../src/generated/prisma"\n}', 'prisma-client'],
    [
      'generator client {\n provider = "prisma-client-js"\n binaryTargets = ["native", "debian-openssl-1.1.x"]\n}',
      'prisma-client-js',
    ],
    ['generator docs {\n provider = "prisma-docs-generator"\n}', undefined],
  ])('client provider of %j', (text, provider) => {
    expect(settingText(clientGenerator(parseSchema(text))?.provider)).toBe(provider);
  });
});

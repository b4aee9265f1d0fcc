/**
 * Writes src/deploy/revision-template.json: the descriptor of Cloud Run Admin API v2's
 * RevisionTemplate and every message and enum it reaches, taken from the protos.json that
 * @google-cloud/run ships. deploy's `template` input is checked against it (template-fragment.ts).
 * The product carries this copy instead of reading a file inside the package, so an upgrade that
 * moves the package's files cannot break a deploy; src/deploy/revision-template.test.ts fails when the
 * copy differs from what the installed client ships, naming this command.
 *
 *   npx tsx scripts/revision-template.ts [--check]
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { protobuf } from 'google-gax';
import { format, resolveConfig } from 'prettier';

const DESCRIPTOR = join(__dirname, '..', 'src', 'deploy', 'revision-template.json');
const ROOT_TYPE = 'google.cloud.run.v2.RevisionTemplate';

/** The protos.json of the installed @google-cloud/run, read as the data file its package ships (`files`). */
function shippedDescriptor(): protobuf.INamespace {
  let dir = dirname(require.resolve('@google-cloud/run'));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return JSON.parse(readFileSync(join(dir, 'build', 'protos', 'protos.json'), 'utf8')) as protobuf.INamespace;
}

/** Every type `type` reaches through its fields (itself included), by full name. */
function reached(type: protobuf.Type, into = new Map<string, protobuf.Type | protobuf.Enum>()): typeof into {
  if (into.has(type.fullName)) return into;
  into.set(type.fullName, type);
  for (const field of type.fieldsArray) {
    const next = field.resolvedType;
    if (next instanceof protobuf.Type) reached(next, into);
    else if (next) into.set(next.fullName, next);
  }
  return into;
}

/** The descriptor JSON with only RevisionTemplate's types, nested by package as protobufjs reads it; formatted as the repository's JSON is. */
async function revisionTemplateDescriptor(): Promise<string> {
  const root = protobuf.Root.fromJSON(shippedDescriptor());
  root.resolveAll();
  const out: protobuf.INamespace = { nested: {} };
  const types = [...reached(root.lookupType(ROOT_TYPE)).values()].sort((a, b) => a.fullName.localeCompare(b.fullName));
  // A type nested in a message is written with the outermost message holding it, whose JSON keeps it.
  const outermost = (t: protobuf.ReflectionObject): protobuf.ReflectionObject =>
    t.parent instanceof protobuf.Type ? outermost(t.parent) : t;
  for (const t of new Set(types.map(outermost))) {
    let at = out;
    for (const part of t.fullName.slice(1).split('.').slice(0, -1)) {
      at.nested ??= {};
      at = (at.nested[part] ??= { nested: {} }) as protobuf.INamespace;
    }
    at.nested![t.name] = (t as protobuf.Type | protobuf.Enum).toJSON();
  }
  return format(JSON.stringify(out), { ...(await resolveConfig(DESCRIPTOR)), parser: 'json' });
}

async function main(): Promise<void> {
  const text = await revisionTemplateDescriptor();
  if (process.argv.includes('--check')) {
    const current = existsSync(DESCRIPTOR) ? readFileSync(DESCRIPTOR, 'utf8') : '';
    if (current !== text) {
      console.error(`${DESCRIPTOR} is out of date: run npx tsx scripts/revision-template.ts`);
      process.exitCode = 1;
    }
  } else {
    writeFileSync(DESCRIPTOR, text);
    console.log(`wrote ${DESCRIPTOR} (${text.length} bytes)`);
  }
}

if (require.main === module) void main();

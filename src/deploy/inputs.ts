import { defineAction, input, InputError, InvalidValue, kinds, type InputProblem, type InputValues, type Kind } from '../inputs';
import { serviceLegs, targetInputs, type Regional, type ServiceLeg, type SharedInputs } from '../regional';
import { imageHostProblem, isLoopbackHost } from '../cloudrun/image-hosts';
import { resourceProblems } from '../cloudrun/resource-limits';
import { MAX_TAG_AND_SERVICE, tagFromCommit, tagProblem } from '../cloudrun/tags';
import { formatImageReference, parseImageReference, type ImageReference } from '../registry/reference';
import { migrationInputs } from '../migrations/inputs';
import { parseKeyValues, type KeyValues } from '../inputs/key-values';
import { ENV_NAME, parseSecretRefs, type SecretRefs } from './secrets';
import { parseStartupProbe, STARTUP_PROBE_SYNTAX } from './startup-probe';
import { parseTemplateFragment, TEMPLATE_SYNTAX } from './template-fragment';

const SYNTAX = 'KEY=VALUE pairs separated by commas or newlines (\\ escapes the next character, {} means none)';

function keyValues(allowed: string, checkPair: (key: string, value: string) => string | undefined): Kind<KeyValues> {
  return {
    allowed,
    parse(raw) {
      const pairs = parseKeyValues(raw);
      for (const [key, value] of Object.entries(pairs)) {
        const problem = checkPair(key, value);
        if (problem) throw new InvalidValue(problem);
      }
      return pairs;
    },
  };
}

/** Variables Cloud Run sets itself and refuses in a revision. */
const RESERVED_ENV = new Set(['PORT', 'K_SERVICE', 'K_REVISION', 'K_CONFIGURATION']);
const envVars = keyValues(SYNTAX, (key) => {
  if (!ENV_NAME.test(key))
    return `"${key}" is not an environment variable name (letters, digits and _, not starting with a digit)`;
  if (RESERVED_ENV.has(key))
    return `${key} is set by Cloud Run itself and cannot be given (reserved: ${[...RESERVED_ENV].join(', ')})`;
  return undefined;
});

const LABEL = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;
const labels = keyValues(`${SYNTAX}; keys and values of lowercase letters, digits, _ and -`, (key, value) => {
  if (!LABEL.test(key))
    return `label key "${key}" must start with a lowercase letter and hold at most 63 lowercase letters, digits, _ or -`;
  if (!LABEL_VALUE.test(value)) return `label ${key}: value "${value}" may hold at most 63 lowercase letters, digits, _ or -`;
  return undefined;
});

const secrets: Kind<SecretRefs> = {
  allowed: `${SYNTAX}: ENV=SECRET:VERSION or /mount/path=SECRET:VERSION (SECRET may be projects/P/secrets/S; VERSION is latest or a number)`,
  parse: (raw) => parseSecretRefs(parseKeyValues(raw)),
};

/** A command or its arguments: a JSON array of strings, or words separated by spaces. */
const argv: Kind<string[]> = {
  allowed: 'a JSON array of strings (["node","server.js"]) or words separated by spaces; [] clears it',
  parse(raw) {
    if (!raw.startsWith('[')) return raw.split(/\s+/);
    const value = kinds.json<unknown>('a JSON array of strings').parse(raw);
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
      throw new InvalidValue('expected a JSON array of strings');
    return value;
  },
};

const RESOURCE = (kind: string) =>
  new RegExp(
    String.raw`^(?:[a-z][a-z0-9-]{0,62}|projects/[^/\s]+/(?:locations|regions|global)[^\s]*/${kind}/[a-z][a-z0-9-]{0,62})$`,
  );

const image: Kind<ImageReference> = kinds.parsedBy(
  'REGISTRY/PATH[:TAG][@sha256:DIGEST], e.g. us-central1-docker.pkg.dev/PROJECT/REPO/IMAGE:TAG',
  parseImageReference,
);

const inputs = {
  ...targetInputs,
  image: input(
    'Image to deploy, by tag or digest, from a registry Cloud Run pulls from (REGION-docker.pkg.dev, gcr.io or docker.io; another registry through an Artifact Registry remote repository); the revision is pinned to its digest',
    image,
  ).required(),
  tag: input(
    `Traffic tag of the new revision; defaults to sha- plus up to 12 hex digits of GITHUB_SHA, shortened so that tag + service ≤ ${MAX_TAG_AND_SERVICE} characters`,
    kinds.text,
  ),
  'no-traffic': input('Leave traffic where it is (the first deploy of a new service takes 100 %)', kinds.bool).default('true'),
  'env-vars': input('Environment variables of the revision', envVars),
  'env-vars-update-strategy': input(
    'merge: keep other existing variables; overwrite: only the given ones',
    kinds.oneOf('merge', 'overwrite'),
  ).default('merge'),
  secrets: input('Secret Manager secrets, as environment variables or as files', secrets),
  'secrets-update-strategy': input(
    'merge: keep other existing secrets; overwrite: only the given ones',
    kinds.oneOf('merge', 'overwrite'),
  ).default('merge'),
  labels: input('Labels of the service and the revision', labels),
  cpu: input(
    'CPU limit, e.g. 1, 2, 0.5 or 1000m: 0.08 to 8, whole numbers above 1; below 1, concurrency must be 1 and memory at most 1Gi',
    kinds.pattern(/^(?:\d+(?:\.\d+)?|\d+m)$/, 'a CPU count such as 1, 2, 0.5 or 1000m'),
  ),
  memory: input(
    'Memory limit, e.g. 512Mi or 2Gi: at most 4Gi with 1 CPU, 8Gi with 2, 16Gi with 4, 24Gi with 6, 32Gi with 8; at least 2Gi with 4 CPUs, 4Gi with 6 or 8',
    kinds.pattern(/^\d+(?:Mi|Gi|M|G)$/, 'a size such as 512Mi or 2Gi'),
  ),
  concurrency: input('Maximum concurrent requests per instance (above 1 needs at least 1 CPU)', kinds.integer(1, 1000)),
  'min-instances': input('Minimum number of instances of the revision', kinds.integer(0, 1000)),
  'max-instances': input('Maximum number of instances of the revision', kinds.integer(1, 1000)),
  timeout: input('Request timeout', kinds.duration(1, 3600)),
  port: input('Port the container listens on (Cloud Run sets PORT to it)', kinds.integer(1, 65535)),
  command: input('Container entrypoint, replacing the image ENTRYPOINT', argv),
  args: input('Container arguments, replacing the image CMD', argv),
  'service-account': input(
    'Service account the revision runs as',
    kinds.pattern(
      /^[a-z0-9][a-z0-9-]{0,62}@[a-z0-9.-]+\.gserviceaccount\.com$/,
      'a service account email (NAME@PROJECT.iam.gserviceaccount.com)',
    ),
  ),
  'cloudsql-instances': input(
    'Cloud SQL instances to connect (mounted under /cloudsql); given, they replace the current ones',
    kinds.list(kinds.pattern(/^[a-z0-9.:-]+:[a-z]+-[a-z]+\d+:[a-z][a-z0-9-]*$/, 'PROJECT:REGION:INSTANCE')),
  ),
  'vpc-connector': input(
    'Serverless VPC Access connector (name or full resource name)',
    kinds.pattern(RESOURCE('connectors'), 'a connector name or projects/P/locations/R/connectors/C'),
  ),
  'vpc-egress': input('Which outbound traffic goes through the VPC', kinds.oneOf('private-ranges-only', 'all-traffic')),
  network: input(
    'VPC network for Direct VPC egress',
    kinds.pattern(RESOURCE('networks'), 'a network name or projects/P/global/networks/N'),
  ),
  subnet: input(
    'Subnet for Direct VPC egress',
    kinds.pattern(RESOURCE('subnetworks'), 'a subnet name or projects/P/regions/R/subnetworks/S'),
  ),
  ingress: input('Which requests may reach the service', kinds.oneOf('all', 'internal', 'internal-and-cloud-load-balancing')),
  'allow-unauthenticated': input(
    'true: anyone may invoke the service (the invoker IAM check is disabled); false: callers need roles/run.invoker',
    kinds.bool,
  ),
  'startup-probe': input(
    "Startup probe: an HTTP path such as /healthz, or tcp, with optional settings (e.g. /healthz period=5s failure-threshold=12); Cloud Run's defaults are period 10 s × failure threshold 3",
    kinds.parsedBy(STARTUP_PROBE_SYNTAX, parseStartupProbe),
  ),
  ...migrationInputs,
  template: input(
    'Cloud Run v2 RevisionTemplate fields for what has no input (CPU boost, always-on CPU, execution environment, liveness probe, volumes, session affinity), merged over the template the other inputs make; a container without a name is the serving one',
    kinds.parsedBy(TEMPLATE_SYNTAX, parseTemplateFragment),
  ),
  'wait-timeout': input('How long to wait for the new revision to become Ready', kinds.duration(10, 3600)).default('300s'),
};

export type DeployInputs = InputValues<typeof inputs>;

/** What every region's deploy shares: the inputs but service, region and project-id, with the tag resolved. */
export type DeployShared = Omit<SharedInputs<DeployInputs, never>, 'tag'> & { readonly tag: string };

/** What deploy-cloudrun's step receives: the shared inputs (with the tag) and one leg (its service target) per region. */
export type DeployResolved = Regional<DeployShared, ServiceLeg<DeployInputs, never>>;

export const deployCloudRunAction = defineAction({
  id: 'deploy-cloudrun',
  name: 'Runway: deploy to Cloud Run',
  description:
    'Deploys an image as a new tagged Cloud Run revision that takes no traffic, through the Cloud Run Admin API; in several regions at once when given several.',
  inputs,
  outputs: {
    revision:
      'Name of the new revision (the same in every region); with several regions a JSON object keyed by region, as are url, tag-url, previous-traffic and previous-revision',
    url: 'Service URL',
    'tag-url': "URL of the new revision's traffic tag",
    'image-digest': 'Digest the revision is pinned to (the same in every region)',
    'previous-traffic':
      'JSON of the traffic before the deploy, enough to restore it exactly; with several regions a JSON object of such arrays keyed by region',
    'previous-revision': 'Revision that served the most traffic before the deploy',
  },
  check: checkDeploy,
  resolve: resolveDeploy,
});

/** The tag of the new revision: the input, else derived from the commit; else the problem of input "tag". */
export function deployTag(values: Pick<DeployInputs, 'tag' | 'service'>, env: NodeJS.ProcessEnv): string | InputProblem {
  if (values.tag) {
    const problem = tagProblem(values.tag, values.service);
    return problem ? { input: 'tag', message: problem } : values.tag;
  }
  if (!env.GITHUB_SHA) return { input: 'tag', message: 'is required when GITHUB_SHA is not set (outside a workflow run)' };
  try {
    return tagFromCommit(env.GITHUB_SHA, values.service);
  } catch (e) {
    return { input: 'tag', message: (e as Error).message };
  }
}

/** The legs and the tag, computed once; a problem of the tag is reported with the project's. */
function resolveDeploy(v: DeployInputs, env: NodeJS.ProcessEnv): DeployResolved {
  const tag = deployTag(v, env);
  const tagProblems = typeof tag === 'string' ? [] : [tag];
  let regional: Regional<SharedInputs<DeployInputs, never>, ServiceLeg<DeployInputs, never>>;
  try {
    regional = serviceLegs(v, [], env);
  } catch (e) {
    throw e instanceof InputError ? new InputError([...e.problems, ...tagProblems]) : e;
  }
  if (typeof tag !== 'string') throw new InputError(tagProblems);
  return { shared: { ...regional.shared, tag }, legs: regional.legs };
}

function checkDeploy(v: DeployInputs, env: NodeJS.ProcessEnv): InputProblem[] {
  const problems: InputProblem[] = [];
  if (v.region.length > 1 && !v['no-traffic']) {
    problems.push({
      input: 'no-traffic',
      message: `must be true with several regions (${v.region.join(', ')}): each region's new revision takes no traffic, and promote moves them together`,
    });
  }
  const host = imageHostProblem(formatImageReference(v.image), env.CLOUD_RUN_EMULATOR_HOST ? isLoopbackHost : undefined);
  if (host) problems.push({ input: 'image', message: `Cloud Run cannot pull it. ${host}` });
  // The values given; what they meet in the service (its CPU when only memory is given) is checked by deploy.
  for (const p of resourceProblems({ cpu: v.cpu, memory: v.memory, concurrency: v.concurrency }))
    problems.push({ input: p.field, message: p.message });
  if (v['min-instances'] !== undefined && v['max-instances'] !== undefined && v['min-instances'] > v['max-instances']) {
    problems.push({
      input: 'min-instances',
      message: `${v['min-instances']} is more than max-instances (${v['max-instances']})`,
    });
  }
  if (v['vpc-connector'] && (v.network || v.subnet)) {
    problems.push({ input: 'vpc-connector', message: 'cannot be combined with network/subnet (Direct VPC egress): choose one' });
  }
  if (v['vpc-egress'] && !v['vpc-connector'] && !v.network && !v.subnet) {
    problems.push({ input: 'vpc-egress', message: 'needs vpc-connector, or network/subnet for Direct VPC egress' });
  }
  for (const s of v.secrets?.env ?? []) {
    if (v['env-vars'] && s.env in v['env-vars']) {
      problems.push({
        input: 'secrets',
        message: `${s.env} is also given in env-vars; an environment variable comes from one of them`,
      });
    }
  }
  return problems;
}

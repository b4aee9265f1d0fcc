import {
  acceptedAudiences,
  bearerToken,
  boundInvoker,
  ingressDenial,
  invokerDenial,
  isPublic,
  memberOf,
  type AccessSettings,
} from './invoker-access';

const privateService: AccessSettings = { bindings: [] };

describe('ingressDenial', () => {
  it.each([
    [undefined, undefined],
    ['INGRESS_TRAFFIC_UNSPECIFIED', undefined],
    ['INGRESS_TRAFFIC_ALL', undefined],
    ['INGRESS_TRAFFIC_INTERNAL_ONLY', 403],
    ['INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER', 403],
  ])('%s -> %s', (ingress, status) => {
    const denial = ingressDenial(ingress, '/healthz');
    expect(denial?.status).toBe(status);
    if (denial) expect(denial.body).toContain(`Ingress is ${ingress}`);
  });
});

describe('isPublic', () => {
  it.each<[AccessSettings, boolean]>([
    [privateService, false],
    [{ invokerIamDisabled: true, bindings: [] }, true],
    [{ invokerIamDisabled: false, bindings: [{ role: 'roles/run.invoker', members: ['allUsers'] }] }, true],
    [{ bindings: [{ role: 'roles/run.invoker', members: ['allAuthenticatedUsers'] }] }, false],
    [{ bindings: [{ role: 'roles/run.viewer', members: ['allUsers'] }] }, false],
  ])('%j -> %s', (settings, expected) => expect(isPublic(settings)).toBe(expected));
});

it.each([
  ['Bearer abc.def.ghi', 'abc.def.ghi'],
  ['bearer abc', 'abc'],
  ['Basic dXNlcg==', undefined],
  ['Bearer', undefined],
  [undefined, undefined],
])('bearerToken(%j) = %j', (header, token) => expect(bearerToken(header)).toBe(token));

it('acceptedAudiences: the service URL, tag URLs and custom audiences, with and without a trailing slash', () => {
  expect(acceptedAudiences(['http://127.0.0.1:1/', 'http://127.0.0.1:2', ''], ['https://api.example.com'])).toEqual([
    'http://127.0.0.1:1',
    'http://127.0.0.1:1/',
    'http://127.0.0.1:2',
    'http://127.0.0.1:2/',
    'https://api.example.com',
    'https://api.example.com/',
  ]);
});

it.each([
  [['serviceAccount:ci@p.iam.gserviceaccount.com'], true],
  [['allAuthenticatedUsers'], true],
  [['user:someone@example.com'], false],
])('boundInvoker with members %j = %s', (members, expected) => {
  expect(boundInvoker([{ role: 'roles/run.invoker', members }], 'ci@p.iam.gserviceaccount.com')).toBe(expected);
});

it.each([
  ['ci@p.iam.gserviceaccount.com', 'serviceAccount:ci@p.iam.gserviceaccount.com'],
  ['123-compute@developer.gserviceaccount.com', 'serviceAccount:123-compute@developer.gserviceaccount.com'],
  ['p@appspot.gserviceaccount.com', 'serviceAccount:p@appspot.gserviceaccount.com'],
  ['alice@example.com', 'user:alice@example.com'],
  ['bob@gserviceaccount.com.example.com', 'user:bob@gserviceaccount.com.example.com'],
])('memberOf(%j) = %j', (email, member) => {
  expect(memberOf(email)).toBe(member);
});

it.each([
  ['a service account', 'ci@p.iam.gserviceaccount.com', 'user:ci@p.iam.gserviceaccount.com'],
  ['a user', 'alice@example.com', 'serviceAccount:alice@example.com'],
])("%s's token does not match a member of the other kind with its email", (_kind, email, member) => {
  expect(boundInvoker([{ role: 'roles/run.invoker', members: [member] }], email)).toBe(false);
  expect(boundInvoker([{ role: 'roles/run.invoker', members: [memberOf(email)] }], email)).toBe(true);
});

describe('invokerDenial', () => {
  it.each<[string, AccessSettings, Parameters<typeof invokerDenial>[2], boolean, number | undefined]>([
    ['public, no token', { invokerIamDisabled: true, bindings: [] }, undefined, false, undefined],
    ['private, no token', privateService, undefined, true, 403],
    ['private, invalid token', privateService, { invalid: 'Wrong recipient' }, true, 401],
    ['private, valid token, may invoke', privateService, { email: 'ci@p' }, true, undefined],
    ['private, valid token, may not invoke', privateService, { email: 'ci@p' }, false, 403],
  ])('%s -> %s', (_name, settings, token, mayInvoke, status) => {
    const denial = invokerDenial(settings, '/a<b', token, mayInvoke);
    expect(denial?.status).toBe(status);
    if (denial) expect(denial.body).toContain('/a&#60;b');
  });
});

import * as grpc from '@grpc/grpc-js';
import { checkPolicyEtag, EMPTY_POLICY_ETAG, setsInvokerCheck } from './services-api';
import type { Service } from '../state/store';

const svc = (invokerIamDisabled?: boolean) => ({ invokerIamDisabled }) as unknown as Service;

it.each<[string, Service, Service | undefined, string[] | undefined, boolean]>([
  ['create, public', svc(true), undefined, undefined, true],
  ['create, private', svc(false), undefined, undefined, false],
  ['update naming it, true again', svc(true), svc(true), ['invoker_iam_disabled'], true],
  ['update naming it (camelCase), re-enabling the check', svc(false), svc(true), ['invokerIamDisabled'], true],
  ['update naming it, false and false', svc(false), svc(false), ['template', 'invoker_iam_disabled'], false],
  ['update not naming it', svc(true), svc(false), ['template', 'traffic'], false],
  ['replace without a mask, public stays public', svc(true), svc(true), undefined, true],
  ['replace without a mask drops a public flag', svc(false), svc(true), [], true],
])('%s -> %s', (_name, requested, current, mask, expected) => {
  expect(setsInvokerCheck(requested, current, mask)).toBe(expected);
});

describe('checkPolicyEtag', () => {
  const policy = { version: 1, bindings: [], etag: 'c2V0' };
  it.each<[string, string, typeof policy | undefined]>([
    ['no etag overwrites a set policy', '', policy],
    ["the set policy's etag", 'c2V0', policy],
    ["the empty policy's etag before any is set", EMPTY_POLICY_ETAG, undefined],
    ['no etag before any is set', '', undefined],
  ])('accepts %s', (_name, sent, current) => {
    expect(() => checkPolicyEtag(sent, current)).not.toThrow();
  });

  it.each<[string, string, typeof policy | undefined]>([
    ["another etag than the set policy's", 'b3RoZXI=', policy],
    ["the empty policy's etag after one was set", EMPTY_POLICY_ETAG, policy],
    ['an etag no GetIamPolicy answered, before any is set', 'b3RoZXI=', undefined],
  ])('refuses %s with ABORTED', (_name, sent, current) => {
    expect(() => checkPolicyEtag(sent, current)).toThrow(expect.objectContaining({ code: grpc.status.ABORTED }));
  });
});

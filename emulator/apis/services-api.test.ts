import { setsInvokerCheck } from './services-api';
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

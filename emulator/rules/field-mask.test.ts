import { applyUpdateMask } from './field-mask';

const current: Record<string, unknown> = {
  labels: { a: '1' },
  traffic: [{ percent: 100 }],
  template: { containers: [{ image: 'old' }], timeout: '300s' },
};
const incoming: Record<string, unknown> = {
  labels: { b: '2' },
  traffic: [{ percent: 50 }, { percent: 50 }],
  template: { containers: [{ image: 'new' }], timeout: null },
};

it.each<[string, string[] | null, unknown]>([
  ['no mask replaces everything', null, incoming],
  ['an empty mask replaces everything', [], incoming],
  ['* replaces everything', ['*'], incoming],
  ['one field', ['labels'], { ...current, labels: { b: '2' } }],
  [
    'a snake_case nested path',
    ['template.containers'],
    { ...current, template: { containers: [{ image: 'new' }], timeout: '300s' } },
  ],
  ['two fields', ['traffic', 'labels'], { ...current, labels: { b: '2' }, traffic: incoming.traffic }],
])('%s', (_, paths, expected) => {
  expect(applyUpdateMask(current, incoming, paths)).toEqual(expected);
});

it('does not change its inputs', () => {
  const before = structuredClone(current);
  (applyUpdateMask(current, incoming, ['labels']).labels as Record<string, string>).c = 'x';
  expect(current).toEqual(before);
});

import * as kinds from './kinds';
import { InputError, readInputs, runnerInputs } from './read';
import { defineAction, input } from './spec';

const demo = defineAction({
  id: 'demo',
  name: 'demo',
  description: 'demo',
  inputs: {
    service: input('Service', kinds.text).required(),
    percent: input('Percent', kinds.integer(0, 100)).default('100'),
    token: input('Token', kinds.pattern(/^t-/, 'a token starting with t-')).secret(),
    note: input('Note', kinds.text),
  },
  outputs: { done: 'done' },
  check: (v) => (v.note === 'forbidden' ? [{ input: 'note', message: 'must not be forbidden' }] : []),
});

const from = (values: Record<string, string | undefined>) => (name: string) => values[name];

describe('readInputs', () => {
  it.each([
    { given: { service: 'web' }, expected: { service: 'web', percent: 100, token: undefined, note: undefined } },
    { given: { service: ' web ', percent: '5' }, expected: { service: 'web', percent: 5, token: undefined, note: undefined } },
    {
      given: { service: 'web', percent: '', note: 'hi' },
      expected: { service: 'web', percent: 100, token: undefined, note: 'hi' },
    },
  ])('applies defaults and trims: $given', ({ given, expected }) => {
    expect(readInputs(demo, from(given))).toEqual(expected);
  });

  it.each([
    { given: {}, problems: ['Input "service": is required: Service (any text)'] },
    {
      given: { percent: '150', service: 'web' },
      problems: ['Input "percent": "150" is not valid: expected a whole number from 0 to 100'],
    },
    {
      given: { service: 'web', token: 'secret-value' },
      problems: ['Input "token": *** is not valid: expected a token starting with t-'],
    },
    { given: { service: 'web', note: 'forbidden' }, problems: ['Input "note": must not be forbidden'] },
    {
      given: { percent: 'x' },
      problems: [
        'Input "service": is required: Service (any text)',
        'Input "percent": "x" is not valid: expected a whole number from 0 to 100',
      ],
    },
  ])('reports every problem at once: $given', ({ given, problems }) => {
    let error: unknown;
    try {
      readInputs(demo, from(given));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message.split('\n')).toEqual(problems);
  });

  it('reads INPUT_* variables the way the runner names them', () => {
    const raw = runnerInputs({ 'INPUT_PROJECT-ID': 'p', INPUT_MY_INPUT: 'x' });
    expect(raw('project-id')).toBe('p');
    expect(raw('my input')).toBe('x');
    expect(raw('missing')).toBeUndefined();
  });
});

import { perRegionOutputs } from './outputs';

const leg = (region: string) => ({ target: { region } });

describe('perRegionOutputs', () => {
  it.each([
    [
      [leg('us-east1')],
      [{ revision: 'web-a', traffic: [{ percent: 100 }] }],
      { revision: 'web-a', traffic: '[{"percent":100}]' },
    ],
    [
      [leg('us-east1'), leg('europe-west1')],
      [
        { revision: 'web-a', traffic: [] },
        { revision: 'web-b', traffic: [{ percent: 100 }] },
      ],
      {
        revision: '{"us-east1":"web-a","europe-west1":"web-b"}',
        traffic: '{"us-east1":[],"europe-west1":[{"percent":100}]}',
      },
    ],
  ])('%j: %j -> %j', (legs, results, outputs) => {
    expect(perRegionOutputs(legs, results, ['revision', 'traffic'])).toEqual(outputs);
  });
});

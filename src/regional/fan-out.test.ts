import { RecordingReporter } from '../report';
import { actEverywhere, inEveryRegion, RegionsFailed, valuesOrThrow } from './fan-out';

const one = [{ target: { region: 'us-east1' } }];
const three = [
  { target: { region: 'us-east1' } },
  { target: { region: 'europe-west1' } },
  { target: { region: 'asia-northeast1' } },
];
const ok = <T>(value: T): PromiseSettledResult<T> => ({ status: 'fulfilled', value });
const failed = (message: string): PromiseSettledResult<never> => ({ status: 'rejected', reason: new Error(message) });

describe('running in every region', () => {
  it('prefixes log lines with the region only when there are several', async () => {
    const reporter = new RecordingReporter();
    await inEveryRegion(one, reporter, async (_t, r) => r.info('alone'));
    await inEveryRegion(three, reporter, async (l, r, i) => r.warning(`${i} ${l.target.region}`));
    expect(reporter.lines).toEqual([
      { level: 'info', message: 'alone' },
      { level: 'warning', message: '[us-east1] 0 us-east1', at: undefined },
      { level: 'warning', message: '[europe-west1] 1 europe-west1', at: undefined },
      { level: 'warning', message: '[asia-northeast1] 2 asia-northeast1', at: undefined },
    ]);
  });

  it('waits for every region even when one fails', async () => {
    let finished = 0;
    const settled = await inEveryRegion(three, new RecordingReporter(), async (l) => {
      if (l.target.region === 'us-east1') throw new Error('no');
      await new Promise((r) => setTimeout(r, 20));
      finished++;
    });
    expect([finished, settled.map((s) => s.status)]).toEqual([2, ['rejected', 'fulfilled', 'fulfilled']]);
  });
});

describe('valuesOrThrow', () => {
  it('gives every value when all regions succeeded', () => {
    expect(valuesOrThrow('Deploy', three, [ok(1), ok(2), ok(3)])).toEqual([1, 2, 3]);
  });

  it("throws one region's own error as it is", () => {
    expect(() => valuesOrThrow('Deploy', one, [failed('Revision x failed')])).toThrow(/^Revision x failed$/);
  });

  it('names every failed region and why, in the summary too', () => {
    let error: RegionsFailed | undefined;
    try {
      valuesOrThrow('Deploy', three, [ok(1), failed('quota exceeded'), failed('not Ready | crashed')]);
    } catch (e) {
      error = e as RegionsFailed;
    }
    expect(error).toBeInstanceOf(RegionsFailed);
    expect(error!.message).toBe(
      'Deploy failed in europe-west1, asia-northeast1:\n[europe-west1] quota exceeded\n[asia-northeast1] not Ready | crashed',
    );
    expect(error!.summary()).toBe(
      '| Region | Why |\n| --- | --- |\n| `europe-west1` | quota exceeded |\n| `asia-northeast1` | not Ready \\| crashed |\n\n',
    );
  });
});

describe('actEverywhere', () => {
  const act = (failIn: string) => async (l: { target: { region: string } }) => {
    if (l.target.region === failIn) throw new Error(`quota exceeded in ${failIn}`);
    return `done in ${l.target.region}`;
  };

  it.each([
    ['one region fails of three: the other two are undone', three, 'europe-west1', ['us-east1', 'asia-northeast1']],
    ['no region fails: nothing is undone', three, 'nowhere', []],
    ['a single region cleans up after itself: nothing is undone here', one, 'us-east1', []],
  ])('%s', async (_name, legs, failIn, undone) => {
    const undid: string[] = [];
    const run = actEverywhere('Deploy', legs, new RecordingReporter(), act(failIn), async (l, done) => {
      expect(done).toBe(`done in ${l.target.region}`);
      undid.push(l.target.region);
    });
    if (failIn === 'nowhere') await expect(run).resolves.toEqual(legs.map((l) => `done in ${l.target.region}`));
    else await expect(run).rejects.toThrow(`quota exceeded in ${failIn}`);
    expect(undid).toEqual(undone);
  });
});

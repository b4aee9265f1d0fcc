import { beforeAfter, stepsTable, trafficTable } from './summary';

describe('traffic summary', () => {
  it('lists every entry with its percent and tag', () => {
    const text = trafficTable([
      { type: 'LATEST', percent: 10, tag: 'edge' },
      { type: 'REVISION', revision: 'web-1', percent: 90 },
    ]);
    expect(text.split('\n').slice(2, 4)).toEqual([
      '| `LATEST (newest Ready revision)` | 10 % | `edge` |',
      '| `web-1` | 90 % |  |',
    ]);
  });

  it('shows traffic before and after under headings, in that order', () => {
    const text = beforeAfter(
      [{ type: 'REVISION', revision: 'old', percent: 100 }],
      [{ type: 'REVISION', revision: 'new', percent: 100 }],
    );
    expect(text.indexOf('Traffic before')).toBeLessThan(text.indexOf('`old`'));
    expect(text.indexOf('`old`')).toBeLessThan(text.indexOf('Traffic after'));
    expect(text.indexOf('Traffic after')).toBeLessThan(text.indexOf('`new`'));
  });

  it('marks failed steps and lists each check', () => {
    const text = stepsTable('web-2', [
      { percent: 10, verdict: 'pass', checks: [{ name: 'gate', verdict: 'pass', reasons: [] }], seconds: 1.234 },
      { percent: 50, verdict: 'fail', checks: [{ name: 'gate', verdict: 'fail', reasons: ['500 on /'] }], seconds: 2 },
    ]);
    expect(text).toContain('| 10 % to `web-2` | pass | gate: pass | 1.2 |');
    expect(text).toContain('| 50 % to `web-2` | **fail** | gate: fail (500 on /) | 2.0 |');
  });
});

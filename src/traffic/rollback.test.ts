import type { ServiceTraffic } from '../cloudrun/service-state';
import { checkStillOurs, promotionOf, TrafficOverridden, withPromotion } from './override';
import { undoingPromotion } from './rollback';
import type { TrafficEntry } from '../cloudrun/traffic-entry';

const target = { project: 'acme-prod', region: 'us-east1', service: 'web' };
const atTen: TrafficEntry[] = [
  { type: 'REVISION', revision: 'web-2', percent: 10, tag: 'two' },
  { type: 'REVISION', revision: 'web-1', percent: 90, tag: 'one' },
];
const previous: TrafficEntry[] = [
  { type: 'REVISION', revision: 'web-2', percent: 0, tag: 'two' },
  { type: 'REVISION', revision: 'web-1', percent: 100, tag: 'one' },
];
const started = '2026-12-07T06:00:00.000Z';
const serving = (traffic: TrafficEntry[], annotations: Record<string, string>): ServiceTraffic => ({
  service: {},
  traffic,
  served: traffic,
  tagUrls: new Map(),
  annotations,
  reconciling: false,
});

describe('a rollback that undoes an unfinished promotion (only-if-serving)', () => {
  const promoting = serving(atTen, withPromotion({}, { revision: 'web-2', started, traffic: atTen }));
  const annotations = undoingPromotion(target, promoting, 'web-2', previous, '2026-12-07T06:01:00.000Z');

  it("records its traffic as what the promotion set last, for that promotion's post step", () => {
    expect(promotionOf(annotations, 'web-2')?.traffic).toEqual(previous);
  });

  it("stops a promote step of that promotion still running: the rollback is someone else's change", () => {
    const afterRollback = serving(previous, annotations);
    expect(() => checkStillOurs('web', afterRollback, 'web-2', { started, traffic: atTen })).toThrow(TrafficOverridden);
  });

  it('is refused when someone else changed the traffic since the promotion set it', () => {
    const changed = serving(previous, promoting.annotations);
    expect(() => undoingPromotion(target, changed, 'web-2', previous, '2026-12-07T06:01:00.000Z')).toThrow(TrafficOverridden);
  });
});

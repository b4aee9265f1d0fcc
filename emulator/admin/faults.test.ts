import * as grpc from '@grpc/grpc-js';
import { Faults, parseCode, requestLocation } from './faults';

describe('Faults', () => {
  it('fails a method by short or full name, the given number of times', () => {
    const f = new Faults();
    f.add({ method: 'UpdateService', code: 'UNAVAILABLE', times: 2 });
    f.add({ method: 'google.cloud.run.v2.Services/GetService', code: 7, message: "Permission 'run.services.get' denied" });
    expect(f.take('google.cloud.run.v2.Services/UpdateService')?.code).toBe(grpc.status.UNAVAILABLE);
    expect(f.take('google.cloud.run.v2.Services/UpdateService')?.message).toBe('Injected fault: UNAVAILABLE');
    expect(f.take('google.cloud.run.v2.Services/UpdateService')).toBeUndefined();
    expect(f.take('google.cloud.run.v2.Services/GetService')?.message).toBe("Permission 'run.services.get' denied");
    expect(f.take('google.cloud.run.v2.Jobs/GetService')).toBeUndefined();
  });

  it.each([
    [{ method: 'UpdateService', code: 'NOPE' }, /code "NOPE" is not a gRPC status: use a number 0-16 or one of OK, CANCELLED/],
    [{ method: 'UpdateService', code: 99 }, /code 99 is not a gRPC status/],
    [{ method: 'a b', code: 14 }, /method "a b" is not valid/],
    [{ method: 'GetService', code: 14, times: 0 }, /times must be a positive integer/],
    [{ method: 'GetService', code: 14, when: 'during' }, /when must be "before", "after" or "operation", got "during"/],
    [{ method: 'UpdateService', code: 14, validateOnly: 'no' }, /validateOnly must be true or false, got "no"/],
  ])('rejects %j', (rule, message) => {
    expect(() => new Faults().add(rule)).toThrow(message);
  });

  it('defaults to before-apply faults and keeps an after-apply one as asked', () => {
    const f = new Faults();
    expect(f.add({ method: 'UpdateService', code: 'UNAVAILABLE' }).when).toBe('before');
    expect(f.add({ method: 'RunJob', code: 'DEADLINE_EXCEEDED', when: 'after' }).when).toBe('after');
  });

  it('an operation fault answers the call with its operation, then fails that operation once', () => {
    const f = new Faults();
    f.add({ method: 'UpdateService', code: 'INTERNAL', when: 'operation', message: 'boom' });
    const service = f.wrap({
      definition: { UpdateService: { path: '/google.cloud.run.v2.Services/UpdateService' } } as never,
      implementation: {
        UpdateService: ((_call: unknown, done: (e: null, v: unknown) => void) => done(null, { name: 'op-1' })) as never,
      },
    });
    const answers: unknown[] = [];
    const call = () =>
      (service.implementation.UpdateService as (c: unknown, cb: (e: unknown, v: unknown) => void) => void)(
        { request: {} },
        (e, v) => answers.push(e ?? v),
      );
    call();
    call();
    expect(answers).toEqual([{ name: 'op-1' }, { name: 'op-1' }]);
    expect(f.operationFailure('op-1')).toEqual({ code: grpc.status.INTERNAL, message: 'boom' });
    expect(f.operationFailure('op-1')).toBeUndefined();
  });

  it.each([
    [false, [undefined, 'fault']],
    [true, ['fault', undefined]],
    [undefined, ['fault', 'fault']],
  ])('validateOnly %s: takes a validate_only call, then a real one: %j', (validateOnly, taken) => {
    const f = new Faults();
    f.add({ method: 'UpdateService', code: 'UNAVAILABLE', times: 2, validateOnly });
    const take = (request: object) => (f.take('google.cloud.run.v2.Services/UpdateService', request) ? 'fault' : undefined);
    expect([take({ validateOnly: true }), take({})]).toEqual(taken);
  });

  it.each([
    ['PERMISSION_DENIED', 7],
    [14, 14],
    ['ABORTED', 10],
  ])('parses code %s', (code, status) => {
    expect(parseCode(code)).toBe(status);
  });
});

describe('faults in one location', () => {
  it('fails only calls on resources of that location', () => {
    const f = new Faults();
    f.add({ method: 'UpdateService', code: 'INTERNAL', location: 'europe-west1' });
    expect(
      f.take('google.cloud.run.v2.Services/UpdateService', { service: { name: 'projects/p/locations/us-east1/services/web' } }),
    ).toBeUndefined();
    expect(f.take('google.cloud.run.v2.Services/UpdateService')).toBeUndefined();
    expect(
      f.take('google.cloud.run.v2.Services/UpdateService', {
        service: { name: 'projects/p/locations/europe-west1/services/web' },
      })?.code,
    ).toBe(grpc.status.INTERNAL);
    expect(f.list()).toEqual([]);
  });

  it.each([
    [{ name: 'projects/p/locations/europe-west1/services/web' }, 'europe-west1'],
    [{ parent: 'projects/p/locations/us-east1' }, 'us-east1'],
    [{ service: { name: 'projects/p/locations/asia-northeast1/services/web' } }, 'asia-northeast1'],
    [{ job: { name: 'projects/p/locations/us-east1/jobs/migrate' } }, 'us-east1'],
    [{ name: 'projects/p/services/web' }, undefined],
    [undefined, undefined],
  ])('reads the location of %j', (request, location) => {
    expect(requestLocation(request)).toBe(location);
  });

  it.each([['Europe'], [7]])('rejects location %j', (location) => {
    expect(() => new Faults().add({ method: 'UpdateService', code: 14, location })).toThrow(/location .* is not valid/);
  });
});

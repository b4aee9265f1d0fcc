/**
 * Cloud Run emulator: several locations side by side in one emulator (issue 14), as one project has
 * them in Cloud Run: the location is part of every resource name, each service has its own URL, and a
 * list names only its own location.
 */
import { hello, shortName, emulatorForFile } from '../helpers/emulator-fixture';

jest.setTimeout(120_000);

const PROJECT = 'projects/runway-test';
const LOCATIONS = ['us-central1', 'europe-west1', 'asia-northeast1'];
const file = emulatorForFile();

it('serves the same service ID in three locations, each with its own names, revisions and URL', async () => {
  const deployed = await Promise.all(
    LOCATIONS.map(async (location) => {
      const [op] = await file.emu.clients.services.createService({
        parent: `${PROJECT}/locations/${location}`,
        serviceId: 'web',
        service: {
          invokerIamDisabled: true,
          template: { containers: [{ image: file.image, env: [{ name: 'APP_REGION', value: location }] }] },
        },
      });
      return (await op.promise())[0];
    }),
  );
  expect(deployed.map((s) => s.name)).toEqual(LOCATIONS.map((l) => `${PROJECT}/locations/${l}/services/web`));
  expect(deployed.map((s) => s.latestReadyRevision?.split('/revisions/')[0])).toEqual(deployed.map((s) => s.name));
  expect(new Set(deployed.map((s) => s.uri)).size).toBe(3);
  for (const [i, svc] of deployed.entries()) {
    const answer = await hello(svc.uri);
    expect([answer.env.APP_REGION, answer.revision]).toEqual([LOCATIONS[i], shortName(svc.latestReadyRevision)]);
    const [listed] = await file.emu.clients.services.listServices({ parent: `${PROJECT}/locations/${LOCATIONS[i]}` });
    expect(listed.map((s) => s.name)).toEqual([svc.name]);
  }
  // Monitoring sees each request under its own location.
  const locations = new Set(file.emu.emulator.metrics.all().map((r) => r.location));
  expect([...locations].sort()).toEqual([...LOCATIONS].sort());
});

it('runs a revision of the same name in two locations side by side', async () => {
  // Revision names are unique per service and location only: a release uses one name in every region.
  const served = await Promise.all(
    LOCATIONS.slice(0, 2).map(async (location) => {
      const [op] = await file.emu.clients.services.createService({
        parent: `${PROJECT}/locations/${location}`,
        serviceId: 'api',
        service: {
          invokerIamDisabled: true,
          template: { revision: 'api-v1', containers: [{ image: file.image, env: [{ name: 'APP_REGION', value: location }] }] },
        },
      });
      return (await op.promise())[0];
    }),
  );
  const answers = await Promise.all(served.map((s) => hello(s.uri)));
  expect(answers.map((a) => [a.revision, a.env.APP_REGION])).toEqual([
    ['api-v1', LOCATIONS[0]],
    ['api-v1', LOCATIONS[1]],
  ]);
});

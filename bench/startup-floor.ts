/**
 * startup.floor: the least a step that calls Cloud Run must do, bundled the way every action is
 * (scripts/bundle.mjs --floor: tsc to CommonJS, then ncc, minified). It creates the Cloud Run client
 * through @google-cloud/run's public entry point, asks for one service at CLOUD_RUN_EMULATOR_HOST
 * (bench/startup.ts times the process until that request arrives) and exits. startup.<action> is
 * judged against it in the same run: `startup.<action>` ≤ 1.3 × `startup.floor`.
 */
import { ServicesClient } from '@google-cloud/run';
import { credentials } from '@grpc/grpc-js';

const [host, port] = (process.env.CLOUD_RUN_EMULATOR_HOST ?? '').split(':');
const client = new ServicesClient({
  apiEndpoint: host,
  port: Number(port),
  sslCreds: credentials.createInsecure(),
  universeDomain: 'googleapis.com',
  projectId: 'floor',
});
void client
  .getService({ name: 'projects/floor/locations/us-central1/services/floor' })
  .catch(() => undefined)
  .finally(() => client.close());

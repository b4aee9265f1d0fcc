/**
 * `npm run emulator -- [--port 8090] [--state-dir DIR] [--secrets-dir DIR] [--registry 127.0.0.1:5000]
 * [--startup-timeout-ms 60000] [--metrics-delay-ms 180000] [--idle-instance-ms 60000] [--max-revisions 1000]`: starts the emulator, prints one ready line, stops cleanly (removing
 * its containers) on SIGINT/SIGTERM.
 */
import { startEmulator, type EmulatorOptions } from './server';

const USAGE =
  'usage: npm run emulator -- [--port N] [--state-dir DIR] [--secrets-dir DIR] [--registry HOST:PORT] [--startup-timeout-ms MS] [--metrics-delay-ms MS] [--idle-instance-ms MS] [--max-revisions N]';

/** Each flag's option, and whether its value is a non-negative integer. */
const FLAGS: Record<string, readonly [keyof EmulatorOptions, 'int' | 'text']> = {
  '--port': ['port', 'int'],
  '--state-dir': ['stateDir', 'text'],
  '--secrets-dir': ['secretsDir', 'text'],
  '--registry': ['registry', 'text'],
  '--startup-timeout-ms': ['startupTimeoutMs', 'int'],
  '--metrics-delay-ms': ['metricsDelayMs', 'int'],
  '--idle-instance-ms': ['idleInstanceMs', 'int'],
  '--max-revisions': ['maxRevisions', 'int'],
};

export function parseArgs(argv: readonly string[]): EmulatorOptions {
  const options: EmulatorOptions = { port: 8090 };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value; ${USAGE}`);
    if (!Object.hasOwn(FLAGS, flag)) throw new Error(`unknown option ${flag}; ${USAGE}`);
    const [option, type] = FLAGS[flag];
    if (type === 'int' && !/^\d+$/.test(value)) throw new Error(`${flag} must be a non-negative integer, got '${value}'`);
    if (option === 'port' && Number(value) > 65535) throw new Error(`--port must be at most 65535, got ${value}`);
    Object.assign(options, { [option]: type === 'int' ? Number(value) : value });
  }
  return options;
}

async function main(): Promise<void> {
  const emulator = await startEmulator(parseArgs(process.argv.slice(2)));
  console.log(
    `Cloud Run emulator ready: CLOUD_RUN_EMULATOR_HOST=${emulator.endpoint} CLOUD_RUN_EMULATOR_ADMIN=${emulator.adminUrl}`,
  );
  const stop = () => void emulator.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}

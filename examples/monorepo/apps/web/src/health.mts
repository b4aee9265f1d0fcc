export type CheckResult = 'connected' | 'error';

export interface HealthBody {
  status: 'ok' | 'degraded';
  database: CheckResult;
  redis: CheckResult;
  revision: string;
}

/** Resolves 'connected' only if `probe` succeeds within `timeoutMs`; any failure or delay is 'error'. */
export async function check(probe: () => Promise<unknown>, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve('error'), timeoutMs);
  });
  const attempt = probe().then(
    (): CheckResult => 'connected',
    (): CheckResult => 'error',
  );
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** 200 only when every dependency really answered; otherwise 503 so a health gate fails the revision. */
export function healthVerdict(database: CheckResult, redis: CheckResult, revision: string): { code: number; body: HealthBody } {
  const ok = database === 'connected' && redis === 'connected';
  return { code: ok ? 200 : 503, body: { status: ok ? 'ok' : 'degraded', database, redis, revision } };
}

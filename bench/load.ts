/**
 * Steady traffic at a service URL: `perSecond` requests a second, each with a 5 s timeout, counted as
 * failed unless it gets a 2xx. Loopback only; it runs until stopped, so callers bound it.
 */
export interface Load {
  stop(): Promise<{ sent: number; failed: number; reasons: Record<string, number> }>;
}

/** `token`: an ID token for a private service (Cloud Run's default), sent as Authorization: Bearer. */
export function startLoad(url: string, perSecond: number, token?: string): Load {
  if (!/^http:\/\/127\./.test(url)) throw new Error(`load is for loopback URLs only, not ${url}`);
  let sent = 0;
  let failed = 0;
  const reasons: Record<string, number> = {};
  const inFlight = new Set<Promise<void>>();
  const fail = (reason: string) => {
    failed++;
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  };
  const timer = setInterval(() => {
    sent++;
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const request = fetch(url, { signal: AbortSignal.timeout(5000), headers })
      .then(async (res) => {
        await res.arrayBuffer();
        if (res.status < 200 || res.status > 299) fail(`status ${res.status}`);
      })
      .catch((e: Error) => fail(e.name))
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  }, 1000 / perSecond);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all(inFlight);
      if (failed > 0) console.log(`  load: ${failed} of ${sent} failed: ${JSON.stringify(reasons)}`);
      return { sent, failed, reasons };
    },
  };
}

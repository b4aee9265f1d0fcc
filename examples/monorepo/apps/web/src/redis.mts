import { createClient } from '@redis/client';

/**
 * Connects in the background so the server starts (and reports "redis":"error") while Redis is
 * down. Commands fail at once instead of queueing while disconnected, so a health check never hangs.
 */
export function createRedis(url: string, connectTimeoutMs: number) {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: connectTimeoutMs, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 5000) },
  });
  let lastLogged = 0;
  client.on('error', (error: Error) => {
    // Reconnects repeat the same error; log it at most every 30 s.
    if (Date.now() - lastLogged > 30_000) {
      lastLogged = Date.now();
      console.error(`redis: ${error.message}`);
    }
  });
  client.connect().catch(() => {
    // The 'error' handler has logged it and the reconnect strategy keeps trying.
  });
  return client;
}

export type Redis = ReturnType<typeof createRedis>;

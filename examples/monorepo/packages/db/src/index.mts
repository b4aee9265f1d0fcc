import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../build/client/client.mts';

export type { Item } from '../build/client/client.mts';
export { PrismaClient };

/**
 * A Prisma 7 client over the pg driver adapter (no engine binary). The connect timeout keeps a
 * health check against an unreachable database short instead of waiting for the OS TCP timeout.
 */
export function createPrisma(databaseUrl: string, connectTimeoutMs = 2000): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, connectionTimeoutMillis: connectTimeoutMs });
  return new PrismaClient({ adapter });
}

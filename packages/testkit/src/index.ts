/** Private test helpers shared by the packages' test suites. */

export { freePort } from './free-port.js';
export { type OwnPostgres, startOwnPostgres } from './own-postgres.js';
export { type OwnRedis, startOwnRedis } from './own-redis.js';
export {
  createTempPostgresDatabase,
  DEFAULT_POSTGRES_ADMIN_URL,
  postgresAdminUrl,
  type TempPostgresDatabase,
} from './temp-postgres.js';
export { DEFAULT_REDIS_URL, redisUrl, tempRedisPrefix, waitForRedis } from './temp-redis.js';
export { uniqueName } from './unique-name.js';

/** Durable sql.js storage engine: public surface. Knows nothing about reports. */
export { openStore, type OpenStoreOptions } from './open';
export { Store, type StoreStats } from './store';
export type { Migration } from './migrations';
export type { StorageLogger } from './log';
export {
  StorageError,
  StorageCorruptError,
  StorageVersionError,
  StorageCaptureError,
  StorageLockedError,
  StorageFailedError,
  StorageClosedError,
} from './errors';

/**
 * Every storage contract an adapter must pass (storage, device lists,
 * provisioning, attachments), hooked in once per adapter by sqlite.test.ts
 * and postgres.test.ts with the one factory that opens a fresh database.
 */
import { type AttachmentFixture, describeAttachmentContract } from './attachment-contract.js';
import { describeDeviceListContract } from './device-list-contract.js';
import { describeProvisioningContract } from './provisioning-contract.js';
import { describeStorageContract } from './storage-contract.js';

/**
 * Runs each contract against `name`; every test gets its own fixture from `open`.
 *
 * @example describeStorageContracts('sqlite', openFreshSqlite);
 */
export function describeStorageContracts(name: string, open: () => Promise<AttachmentFixture>): void {
  describeStorageContract(name, open);
  describeDeviceListContract(name, open);
  describeProvisioningContract(name, open);
  describeAttachmentContract(name, open);
}

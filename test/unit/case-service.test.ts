// The case service and the sweep (test/support/case-service-contract.ts) in memory: the case store
// that passes the DynamoDB store's contract, the seeded catalogue on the memory item store, and a
// vault that checks uploads as the S3 one does.
import { MemoryCaseStore } from '../../shared/adapters/memory-case-store.ts';
import { caseServiceContract } from '../support/case-service-contract.ts';
import { seededCatalogue } from '../support/memory-catalogue.ts';
import { MemoryMaterialVault } from '../support/memory-material-vault.ts';

caseServiceContract('in memory', async (now) => {
  const { items, catalogue } = await seededCatalogue(now);
  const vault = new MemoryMaterialVault();
  return {
    items,
    catalogue,
    vault,
    caseStore: async () => {
      const store = new MemoryCaseStore();
      return {
        store,
        damage: async (caseNo, field, value) => store.tamper(caseNo, (state) => ({ ...state, [field]: value })),
        deleteEntry: async (caseNo, n) => store.deleteEntry(caseNo, n),
      };
    },
    upload: async (owner, body) => vault.upload(owner, body),
    emptySlot: async (owner) => vault.slot(owner),
    stored: async (key) => {
      const object = vault.stored(key);
      if (!object) throw new Error(`nothing stored under ${key}`);
      return object;
    },
    read: (url) => vault.read(url),
    stop: async () => {},
  };
});

// The in-memory case store against the case store's contract, as the DynamoDB store runs it on
// dynalite (test/integration/dynamo-case-store.test.ts).
import { MemoryCaseStore } from '../../shared/adapters/memory-case-store.ts';
import { caseStoreContract } from '../support/case-store-contract.ts';

caseStoreContract('MemoryCaseStore', async () => new MemoryCaseStore());

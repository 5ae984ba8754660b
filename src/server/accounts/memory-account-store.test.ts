import { runAccountStoreContract } from './account-store.contract.js';
import { MemoryAccountStore } from './memory-account-store.js';

runAccountStoreContract('memory', () => new MemoryAccountStore());

import { describe } from 'vitest';
import { runLabelStoreContract } from './label-store.contract.js';
import { MemoryLabelStore } from './memory-label-store.js';

describe('MemoryLabelStore', () => {
  runLabelStoreContract((options) => new MemoryLabelStore(options));
});

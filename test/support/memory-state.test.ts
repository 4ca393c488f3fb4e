// The in-memory state passes the same contract as the DynamoDB adapter (test/adapters/dynamodb/alert-state.test.ts).
import { alertStateContract } from './alert-state-contract.js';
import { MemoryAlertState } from './memory-state.js';

alertStateContract('MemoryAlertState', async () => {
  const store = new MemoryAlertState();
  return () => store.view();
});

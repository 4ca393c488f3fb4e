// dynalite ships no types; this is the part of its API the project uses.
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
    path?: string;
  }
  export default function dynalite(options?: DynaliteOptions): Server;
}

// Its request validation and condition evaluation, for the TransactWriteItems it lacks (transactions.ts).
declare module 'dynalite/validations/index.js' {
  const validations: {
    checkTypes(data: Record<string, unknown>, types: unknown): Record<string, unknown>;
    checkValidations(data: Record<string, unknown>, types: unknown, custom: unknown, store: unknown): void;
  };
  export default validations;
}
declare module 'dynalite/db/index.js' {
  const db: {
    /** An error when the request's condition does not hold for the item as it is, otherwise null. */
    checkConditional(data: Record<string, unknown>, item: Record<string, unknown> | undefined): Error | null;
  };
  export default db;
}
declare module 'dynalite/validations/putItem.js' {
  const rules: { types: unknown; custom?: unknown };
  export default rules;
}
declare module 'dynalite/validations/updateItem.js' {
  const rules: { types: unknown; custom?: unknown };
  export default rules;
}
declare module 'dynalite/validations/deleteItem.js' {
  const rules: { types: unknown; custom?: unknown };
  export default rules;
}

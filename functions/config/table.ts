// The setting both functions read: the state table.
import { tableName as tableNameRule } from './rules.js';
import { setting } from './setting.js';

/**
 * the state table (the Slack notifier keeps there which alerts it posted)
 * @stack the stack's table
 */
export const tableName = setting(tableNameRule, { env: 'TABLE_NAME', required: true });

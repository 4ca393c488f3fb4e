// The framework shell, plus the environment parsed once by the poller's zod schema at load (DESIGN.md, step 1).
import { parseConfig } from '../../functions/handlers/poller/config.js';

export { handler } from './framework.js';
export const config = parseConfig(process.env);

// The framework shell, plus the environment parsed once by the poller's zod schema at load (DESIGN.md, step 1).
import { parsePollerConfig } from '../../functions/config/poller.js';

export { handler } from './framework.js';
export const config = parsePollerConfig(process.env);

// zod/mini ships without messages (every problem reads "Invalid input"): this loads the English ones zod's classic
// API loads by itself, so configuration and contract errors keep saying what is wrong. Imported for its effect.
import { en } from 'zod/locales';
import * as z from 'zod/mini';

z.config(en());

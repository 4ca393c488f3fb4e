// The settings the poller (signing email links) and the actions endpoint (checking them) share: the key, once.
import * as z from 'zod/mini';
import { secretArn } from './rules.js';
import { setting } from './setting.js';

/**
 * the secret holding the key that signs the emails' action links (and checks them); emails carry no links without
 * it
 * @stack a secret the stack generates, with `actionsEnabled`
 */
export const emailLinkKeySecretArn = setting(secretArn, { env: 'EMAIL_LINK_KEY_SECRET_ARN' });

/** the email link key itself, at least 32 characters, for a run on your machine (`npm start` makes one up) */
export const emailLinkKey = setting(
  z.string().check(z.trim(), z.minLength(32, 'expected at least 32 characters')),
  { env: 'EMAIL_LINK_KEY' },
);

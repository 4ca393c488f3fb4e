// The links an email offers: signed with the email link key (given, or read from its secret), pointing at the
// actions endpoint. Without the endpoint's address or a key, emails carry no links.
import type { SecretReader } from '../../adapters/secrets/secret-reader.js';
import type { PollerConfig } from '../../config/poller.js';
import { EMAIL_LINK_LIFETIME_MS, emailActionLink, signActionToken } from '../../contracts/action-token.js';
import type { ActionOffer } from '../../render/action-offer.js';
import type { EmailActions } from '../../render/email/actions.js';

export async function emailActionsOf(
  config: Pick<PollerConfig, 'actionsUrl' | 'emailLinkKey' | 'emailLinkKeySecretArn'>,
  readSecret: SecretReader,
  offer: ActionOffer,
): Promise<EmailActions | undefined> {
  const { actionsUrl } = config;
  if (actionsUrl === undefined) return undefined;
  const key =
    config.emailLinkKey ??
    (config.emailLinkKeySecretArn === undefined ? undefined : await readSecret(config.emailLinkKeySecretArn));
  if (key === undefined) return undefined;
  return {
    ...offer,
    // The link expires a week after the message's own time: the same message renders to the same links.
    link: (action, target, issuedAt) =>
      emailActionLink(
        actionsUrl,
        signActionToken(
          { action, ...target, expiresAt: new Date(Date.parse(issuedAt) + EMAIL_LINK_LIFETIME_MS) },
          key,
        ),
      ),
  };
}

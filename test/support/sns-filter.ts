// SNS's attribute filter policies as AWS documents them, for the conditions the stack writes (exact strings from
// `emailSubscriptions`, `exists` for the Slack notifier): a String attribute matches a value equal to it, a
// String.Array attribute when any of its elements does. fauxqs (2.4.1) compares a String.Array's whole JSON text
// instead, so tests judge array attributes with this, on the attributes as SNS delivered them.
import * as z from 'zod';

export type FilterPolicy = Record<string, Array<string | { exists: boolean }>>;

const deliveredAttributes = z.record(z.string(), z.object({ Type: z.string(), Value: z.string() }));

/** Whether a subscription with `policy` receives a message with these attributes (an SNS envelope's). */
export function acceptedBy(policy: FilterPolicy, attributes: unknown): boolean {
  const delivered = deliveredAttributes.parse(attributes);
  return Object.entries(policy).every(([name, conditions]) => {
    const attribute = delivered[name];
    const values =
      attribute === undefined
        ? undefined
        : attribute.Type === 'String.Array'
          ? z.array(z.string()).parse(JSON.parse(attribute.Value))
          : [attribute.Value];
    return conditions.some((condition) =>
      typeof condition === 'string'
        ? (values ?? []).includes(condition)
        : condition.exists === (values !== undefined),
    );
  });
}

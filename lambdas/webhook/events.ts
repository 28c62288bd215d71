/**
 * What the webhook function is invoked with: the `InputPayload` of the webhook remediation
 * document's aws:invokeLambdaFunction step (lib/remediation/documents/webhook.ts builds it with these
 * keys). Every value is a string, because each comes from a document parameter; empty means unset.
 */
import * as z from 'zod/mini';

/** The invocation payload. */
export const webhookEventSchema = z.strictObject({
  /** The URL to call, e.g. `https://api.vercel.com/v9/projects/assistant/rollback`. */
  url: z.url(),
  method: z.enum(['POST', 'PUT', 'PATCH', 'GET', 'DELETE']),
  /** The request body; empty sends none. */
  body: z.string(),
  /** A JSON SecretRef (`{"secretsManager":"arn:..."}`), read at run time; empty sends no Authorization. */
  token: z.string(),
  /** Expected statuses, comma-separated (`200,201`); empty means any 2xx. */
  expectStatus: z.string(),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

/** The event, parsed; a zod error names the bad field. */
export function parseWebhookEvent(event: unknown): WebhookEvent {
  return webhookEventSchema.parse(event);
}

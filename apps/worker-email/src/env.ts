import { webhookTypes, type WebhookType } from '@herohooks/contracts';
import { Bool, EnvError, csv, parseEnv } from '@herohooks/runtime';
import { WorkerEnv } from '@herohooks/worker-kit';
import { Type, type Static, type TOptional, type TString } from '@sinclair/typebox';

// Addresses are checked for shape only (the SMTP server is the judge); the patterns forbid whitespace and
// angle brackets inside an address, so nothing from the environment can break a header line either.
const ADDRESS = '[^\\s,<>@]+@[^\\s,<>@]+';
const AddressList = Type.String({ pattern: `^\\s*${ADDRESS}(\\s*,\\s*${ADDRESS})*\\s*$` });

/** `EMAIL_TO_NEW_PAYOUT_REQUEST` for `new_payout_request`. */
export function recipientVar(type: WebhookType): string {
  return `EMAIL_TO_${type.toUpperCase()}`;
}

const perTypeRecipients: Record<string, TOptional<TString>> = Object.fromEntries(
  webhookTypes.map((type) => [recipientVar(type), Type.Optional(AddressList)]),
);

export const EmailEnvSchema = Type.Object({
  ...WorkerEnv,
  EMAIL_DRY_RUN: Bool(false),
  /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465; query options such as tls.servername pass to nodemailer. */
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://[^\\s]+$' })),
  /** "alerts@example.com" or "Herohooks <alerts@example.com>". */
  EMAIL_FROM: Type.Optional(Type.String({ pattern: `^(${ADDRESS}|[^<>\\r\\n]*<${ADDRESS}>)$` })),
  EMAIL_TO: Type.Optional(AddressList),
  /** Most deliveries handed over together that one email carries; 1 = an email per delivery. */
  EMAIL_DELIVERIES_PER_MESSAGE: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
  ...perTypeRecipients,
});

type EmailEnvValues = Static<typeof EmailEnvSchema>;

export type RecipientTable = Record<WebhookType, string[]>;

export interface SmtpSettings {
  /** Holds the SMTP password: never log it. */
  url: string;
  from: string;
}

export interface EmailEnv extends EmailEnvValues {
  /** Who gets each type: its EMAIL_TO_<TYPE> list, else EMAIL_TO. */
  recipients: RecipientTable;
  /** Where and as whom to send; null in dry-run. */
  smtp: SmtpSettings | null;
}

function recipientTable(env: EmailEnvValues): RecipientTable {
  const vars: Record<string, unknown> = env;
  return Object.fromEntries(
    webhookTypes.map((type) => {
      const own = vars[recipientVar(type)];
      return [type, csv(typeof own === 'string' ? own : env.EMAIL_TO)];
    }),
  ) as RecipientTable;
}

/** Parses and checks the worker's environment; throws EnvError with one line naming every problem. */
export function parseEmailEnv(source: NodeJS.ProcessEnv = process.env): EmailEnv {
  const env = parseEnv(EmailEnvSchema, source);
  const recipients = recipientTable(env);
  if (env.EMAIL_DRY_RUN) return { ...env, recipients, smtp: null };
  const { SMTP_URL: url, EMAIL_FROM: from, EMAIL_TO: to } = env;
  if (!url || !from || !to) {
    const missing = Object.entries({ SMTP_URL: url, EMAIL_FROM: from, EMAIL_TO: to }).filter(([, value]) => !value);
    throw new EnvError(`invalid environment: ${missing.map(([key]) => key).join(', ')} required unless EMAIL_DRY_RUN=true`);
  }
  return { ...env, recipients, smtp: { url, from } };
}

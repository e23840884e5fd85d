import { PermanentError } from '@herohooks/worker-kit';
import { describe, expect, it } from 'vitest';
import { SmtpError, SmtpRefusal, classifySmtpError } from './smtp-errors';

// Shapes as nodemailer builds them (smtp-connection _formatError): code, response, responseCode, command.
const failure = (fields: Record<string, unknown>) => Object.assign(new Error('Mail command failed'), fields);

describe('classifySmtpError', () => {
  it.each([
    [{ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 No such user' }, 'smtp_550'],
    [{ code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM', response: '553 Sender refused' }, 'smtp_553'],
    [{ code: 'EMESSAGE', responseCode: 552, command: 'DATA', response: '552 Message too big' }, 'smtp_552'],
    [{ code: 'EENVELOPE', responseCode: 554, command: 'DATA', response: '554 Transaction failed' }, 'smtp_554'],
  ])('refuses for good on a 5xx reply to the message, naming the command refused: %j', (fields, reason) => {
    const error = classifySmtpError(failure(fields));
    expect(error).toBeInstanceOf(SmtpRefusal);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error).toMatchObject({ reason, command: fields.command });
  });

  it.each([
    { code: 'EENVELOPE', responseCode: 450, command: 'RCPT TO', response: '450 Mailbox busy' },
    { code: 'EENVELOPE', responseCode: 503, command: 'DATA', response: '503 Bad sequence of commands' },
    { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', response: '535 Authentication failed' },
    { code: 'ESOCKET', command: 'CONN', originalCode: 'ECONNREFUSED' },
    { code: 'ETIMEDOUT', command: 'CONN' },
    { code: 'ECONNECTION' },
    { responseCode: 421, command: 'RCPT TO', response: '421 Service not available' },
  ])('retries anything else: %j', (fields) => {
    const error = classifySmtpError(failure(fields));
    expect(error).toBeInstanceOf(SmtpError);
    expect(error).not.toBeInstanceOf(PermanentError);
  });

  it('does not read the message text: a 5xx in the message alone is retried', () => {
    expect(classifySmtpError(failure({ code: 'ESOCKET', response: 'socket closed' }))).not.toBeInstanceOf(PermanentError);
    expect(classifySmtpError(new Error('550 No such user'))).not.toBeInstanceOf(PermanentError);
  });
});

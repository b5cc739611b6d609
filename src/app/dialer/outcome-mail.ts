import type { AttemptOutcome } from '../../domain/call-outcome';
import type { HelpRequest } from '../../domain/help-request';
import type { FinalStatus } from '../../domain/retry-policy';
import type { MailMessage } from '../../ports/mailer';

const REASONS: Partial<Record<AttemptOutcome, string>> = {
  busy: 'the line was busy each time we called',
  no_answer: 'nobody answered when we called',
  failed: 'the call could not be put through',
  unconfirmed: 'the call was answered, but nobody confirmed it (perhaps a voicemail)',
  invalid_number: 'the number does not seem to be in service',
  forbidden: 'we are not able to call that number',
};

/** The e-mail that tells a customer how their callback request ended. Plain text, no markup. */
export function outcomeMail(request: HelpRequest, status: FinalStatus, outcome: AttemptOutcome, attempts: number): MailMessage | null {
  if (!request.email) return null;
  const hello = request.name ? `Hello ${request.name},` : 'Hello,';
  const ref = `Your reference: ${request.id}`;
  if (status === 'completed') {
    return { to: request.email, subject: 'Your callback request is done', text: `${hello}\n\nWe called you back as you asked. Thank you for getting in touch.\n\n${ref}\n` };
  }
  if (status === 'cancelled') {
    return { to: request.email, subject: 'Your callback request is cancelled', text: `${hello}\n\nYour callback request has been cancelled; we will not call you about it again.\n\n${ref}\n` };
  }
  const reason = REASONS[outcome] ?? 'we could not reach you';
  const tries = attempts === 1 ? 'once' : `${attempts} times`;
  return {
    to: request.email,
    subject: 'We could not reach you',
    text: `${hello}\n\nWe tried to call you back ${tries}, but ${reason}. If you still need help, please send a new request from our help page.\n\n${ref}\n`,
  };
}

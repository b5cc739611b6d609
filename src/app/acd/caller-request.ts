import type { HelpRequest } from '../../domain/help-request';
import type { NewHelpRequest } from '../../ports/help-request-repository';

/**
 * The request of a caller on the phone (holding, asking to be called back, leaving a message):
 * the number the call gave and the call's context, waiting from `dueAt`; the web's fields (SIP
 * address, name, e-mail, page, message, preferred time) stay empty.
 */
export function callerRequest(r: Pick<HelpRequest, 'id' | 'channel' | 'queue' | 'phone' | 'priority' | 'arrivalAt' | 'dueAt' | 'context'>): NewHelpRequest {
  return { ...r, sipUri: null, name: null, email: null, pageUrl: null, message: null, preferredAt: null, status: 'queued' };
}

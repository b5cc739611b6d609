/**
 * The callback confirmation menu as data, and the pure step function the flow follows. Asking
 * the customer to press 1 before an agent is connected is what tells a person from a voicemail
 * greeting: no input is never a completed callback.
 */

export type CallbackChoice = 'connect' | 'later' | 'cancel';

export interface CallbackMenu {
  /** Played once on answer ("you asked us to call you back"). */
  greeting: string[];
  /** The choices ("press 1 to speak to an agent now, 2 for another time, 3 to cancel"), repeated on no/invalid input. */
  options: string[];
  /** Played after an invalid digit, before the options again. */
  invalid: string[];
  /** Played before hanging up on the customer's choice or on no input. */
  goodbye: Partial<Record<CallbackChoice | 'no-input', string[]>>;
  /** Played to the customer while the agent's phone rings. */
  connecting: string[];
  digits: Record<string, CallbackChoice>;
  inputTimeoutSeconds: number;
  /** How many times the options are offered before giving up. */
  tries: number;
}

export const DEFAULT_CALLBACK_MENU: CallbackMenu = {
  greeting: ['sound:cc-callback-greeting'],
  options: ['sound:cc-callback-options'],
  invalid: ['sound:option-is-invalid'],
  goodbye: { later: ['sound:cc-callback-later'], cancel: ['sound:cc-callback-cancelled'], 'no-input': ['sound:goodbye'] },
  connecting: ['sound:pls-hold-while-try'],
  digits: { '1': 'connect', '2': 'later', '3': 'cancel' },
  inputTimeoutSeconds: 6,
  tries: 2,
};

export type MenuInput = { kind: 'start' } | { kind: 'digit'; digit: string } | { kind: 'timeout' };

export interface MenuState {
  /** Times the options were offered so far. */
  offered: number;
}

export type MenuStep =
  /** Play the media, then wait up to the input timeout for a digit. */
  | { kind: 'ask'; media: string[]; state: MenuState }
  | { kind: 'choice'; choice: CallbackChoice }
  | { kind: 'no-input' };

export function nextStep(menu: CallbackMenu, state: MenuState, input: MenuInput): MenuStep {
  const offerAgain = (prefix: string[]): MenuStep =>
    state.offered >= menu.tries ? { kind: 'no-input' } : { kind: 'ask', media: [...prefix, ...menu.options], state: { offered: state.offered + 1 } };
  switch (input.kind) {
    case 'start':
      return { kind: 'ask', media: [...menu.greeting, ...menu.options], state: { offered: 1 } };
    case 'digit': {
      const choice = menu.digits[input.digit];
      return choice ? { kind: 'choice', choice } : offerAgain(menu.invalid);
    }
    case 'timeout':
      return offerAgain([]);
  }
}

import type { IvrAction, IvrMenu } from './center-config';

/**
 * The IVR's decisions as a pure function: the call flow plays what `nextStep` says, collects
 * one key (or a timeout) and asks again. Invalid or missing keys get a spoken retry; when the
 * tries run out the menu's `onExhausted` action is taken, so a caller never reaches a dead end.
 */

export interface MenuState {
  /** Invalid or missing keys so far in this menu. */
  retries: number;
}

export type MenuInput = { kind: 'start' } | { kind: 'digit'; digit: string } | { kind: 'timeout' };

export type MenuStep =
  /** Play `media`, then wait `timeoutSeconds` for a key (a key during the prompt interrupts it). */
  | { kind: 'collect'; media: string[]; timeoutSeconds: number; state: MenuState }
  | { kind: 'queue'; queue: string; priority?: number }
  | { kind: 'callback'; queue: string }
  | { kind: 'voicemail'; queue: string }
  | { kind: 'menu'; menu: string }
  | { kind: 'operator' }
  | { kind: 'hangup'; media: string[] };

export const INITIAL_MENU_STATE: MenuState = { retries: 0 };

export function nextStep(menu: IvrMenu, state: MenuState, input: MenuInput): MenuStep {
  if (input.kind === 'start') return collect(menu, menu.prompt, { retries: 0 });
  if (input.kind === 'digit') {
    const action = menu.options[input.digit];
    if (action) return fromAction(menu, action);
    return retry(menu, state, menu.invalidPrompt);
  }
  return retry(menu, state, menu.timeoutPrompt);
}

function retry(menu: IvrMenu, state: MenuState, apology: string[]): MenuStep {
  if (state.retries >= menu.maxRetries) {
    const fallback = fromAction(menu, menu.onExhausted);
    // A fallback of 'repeat' is refused at load; should one slip through, hang up politely rather than loop.
    return fallback.kind === 'collect' ? { kind: 'hangup', media: [] } : fallback;
  }
  return collect(menu, [...apology, ...menu.prompt], { retries: state.retries + 1 });
}

function collect(menu: IvrMenu, media: string[], state: MenuState): MenuStep {
  return { kind: 'collect', media, timeoutSeconds: menu.timeoutSeconds, state };
}

function fromAction(menu: IvrMenu, action: IvrAction): MenuStep {
  switch (action.action) {
    case 'queue':
      return action.priority === undefined ? { kind: 'queue', queue: action.queue } : { kind: 'queue', queue: action.queue, priority: action.priority };
    case 'callback':
      return { kind: 'callback', queue: action.queue };
    case 'voicemail':
      return { kind: 'voicemail', queue: action.queue };
    case 'menu':
      return { kind: 'menu', menu: action.menu };
    case 'operator':
      return { kind: 'operator' };
    case 'hangup':
      return { kind: 'hangup', media: action.prompt ?? [] };
    case 'repeat':
      return collect(menu, menu.prompt, { retries: 0 });
  }
}

/** Whether a typed callback number is complete: '#' ends it, or the maximum length is reached. */
export function collectNumberStep(sofar: string, key: string, maxDigits = 16): { done: boolean; digits: string } {
  if (key === '#') return { done: true, digits: sofar };
  if (!/^[0-9]$/.test(key)) return { done: false, digits: sofar };
  const digits = sofar + key;
  return { done: digits.length >= maxDigits, digits };
}

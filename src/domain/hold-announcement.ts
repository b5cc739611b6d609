/**
 * What a caller on hold hears at each announcement: their position and the anticipated wait,
 * spoken with `number:` media between the configured sound prompts, then how to ask for a
 * callback instead.
 */
export interface AnnouncementPrompts {
  position: string[];
  callsAhead: string[];
  callsWaiting: string[];
  holdTime: string[];
  minutes: string[];
  offerCallback: string[];
}

export function holdAnnouncement(prompts: AnnouncementPrompts, position: number | null, waitSeconds: number | null, offerCallback: boolean): string[] {
  const media: string[] = [];
  if (position === 1) media.push(...prompts.position);
  else if (position !== null && position > 1) media.push(...prompts.callsAhead, `number:${position - 1}`, ...prompts.callsWaiting);
  if (waitSeconds !== null && waitSeconds > 0) {
    // Rounded up to whole minutes: a promise of "one minute" for 20 seconds is kept, one of "zero" never is.
    media.push(...prompts.holdTime, `number:${Math.max(1, Math.ceil(waitSeconds / 60))}`, ...prompts.minutes);
  }
  if (offerCallback) media.push(...prompts.offerCallback);
  return media;
}

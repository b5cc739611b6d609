/** An error answered over ARI with Asterisk's status and JSON body. */
export class AriError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** Asterisk answers allocation failures with `{"error": ...}` instead of `{"message": ...}`. */
    readonly bodyKey: 'message' | 'error' = 'message',
  ) {
    super(message);
    this.name = 'AriError';
  }

  body(): Record<string, string> {
    return { [this.bodyKey]: this.message };
  }
}

export const channelNotFound = (): AriError => new AriError(404, 'Channel not found');
export const notInStasis = (): AriError => new AriError(409, 'Channel not in Stasis application');
export const bridgeNotFound = (): AriError => new AriError(404, 'Bridge not found');

/** How many agents serve a queue right now, for the anticipated wait. */
export interface QueueStaffing {
  /** Agents logged in to the queue (available, busy or in wrap-up; not paused or logged out). */
  loggedInAgents(queue: string): Promise<number>;
}

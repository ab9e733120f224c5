/**
 * Counts failed logins per key (client address and claimed user name, see AuthGuard) in a sliding window;
 * past the limit the key is refused (429) until the window passes, so passwords and tokens cannot be
 * guessed at speed. Per process:
 * with N API replicas an attacker gets N times the budget, still far too little to guess a secret.
 */
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 10,
    private readonly windowMs = 60_000,
  ) {}

  /** Milliseconds until this address may try again, or 0. */
  retryAfterMs(address: string, now = Date.now()): number {
    const recent = this.recent(address, now);
    return recent.length >= this.limit ? recent[0]! + this.windowMs - now : 0;
  }

  fail(address: string, now = Date.now()): void {
    const recent = this.recent(address, now);
    recent.push(now);
    this.failures.set(address, recent);
    if (this.failures.size > 10_000) this.prune(now);
  }

  succeed(address: string): void {
    this.failures.delete(address);
  }

  private recent(address: string, now: number): number[] {
    return (this.failures.get(address) ?? []).filter((at) => at > now - this.windowMs);
  }

  private prune(now: number): void {
    for (const [address, times] of this.failures) {
      if (times.every((at) => at <= now - this.windowMs)) this.failures.delete(address);
    }
  }
}

import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter';

describe('LoginLimiter', () => {
  it('refuses an address after too many failures until the window passes', () => {
    const limiter = new LoginLimiter(3, 1000);
    for (let i = 0; i < 3; i++) limiter.fail('a', 100 + i);
    expect(limiter.retryAfterMs('a', 200)).toBe(900);
    expect(limiter.retryAfterMs('b', 200)).toBe(0);
    expect(limiter.retryAfterMs('a', 1101)).toBe(0);
  });

  it('forgets failures after a success', () => {
    const limiter = new LoginLimiter(2, 1000);
    limiter.fail('a', 0);
    limiter.succeed('a');
    limiter.fail('a', 1);
    expect(limiter.retryAfterMs('a', 2)).toBe(0);
  });
});

// The workflow's callback token on the cases table (case-items.ts): kept by TTL long enough that no
// live wait outlasts it, then expired.
import { describe, expect, it } from 'vitest';
import { TASK_TOKEN_DAYS, tokenItem } from '../../shared/adapters/case-items.ts';
import { TTL_ATTRIBUTE } from '../../shared/adapters/table-layout.ts';
import { JOINT_MAX_WAIT_LIMIT_SECONDS } from '../../shared/contracts/joint-workflow.ts';

describe('tokenItem', () => {
  it('expires TASK_TOKEN_DAYS after it is written, in epoch seconds', () => {
    const item = tokenItem('20261123A1B2C3D4E5', '12530100MB0000001X', 'token-1', '2026-11-23T02:00:00.000Z');

    expect(item).toEqual({
      pk: 'CASE#20261123A1B2C3D4E5',
      sk: 'TOKEN#12530100MB0000001X',
      token: 'token-1',
      [TTL_ATTRIBUTE]: Date.parse('2026-11-23T02:00:00.000Z') / 1000 + TASK_TOKEN_DAYS * 86_400,
    });
  });

  it('outlasts the longest wait and a Standard execution (one year): no live wait loses its token', () => {
    expect(TASK_TOKEN_DAYS * 86_400).toBeGreaterThan(JOINT_MAX_WAIT_LIMIT_SECONDS);
    expect(TASK_TOKEN_DAYS).toBeGreaterThan(365);
  });

  it('counts from now when no time is given (TTL is real time)', () => {
    const before = Math.floor(Date.now() / 1000);
    const expires = tokenItem('20261123A1B2C3D4E5', '12530100MB0000001X', 't')[TTL_ATTRIBUTE] as number;

    expect(expires - TASK_TOKEN_DAYS * 86_400).toBeGreaterThanOrEqual(before);
    expect(expires - TASK_TOKEN_DAYS * 86_400).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);
  });
});

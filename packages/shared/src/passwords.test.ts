import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORDS } from './common-passwords';
import { passwordProblem } from './passwords';
import { changePasswordInput, createStaffInput, resetStaffPasswordInput } from './schemas';

describe('new admin passwords', () => {
  it('need 10 characters, at most 256, and must not be a common password (ignoring case)', () => {
    expect(passwordProblem('short-pw1')).toBe('TOO_SHORT');
    expect(passwordProblem('x'.repeat(257))).toBe('TOO_LONG');
    expect(passwordProblem('password123')).toBe('TOO_COMMON');
    expect(passwordProblem('QwertyUiop')).toBe('TOO_COMMON');
    expect(passwordProblem('correct horse battery')).toBeUndefined();
    expect(passwordProblem('a'.repeat(10))).toBeUndefined();
  });

  it('the common list is small, of lower-case entries that the length rule alone would let through', () => {
    expect(COMMON_PASSWORDS.length).toBeGreaterThanOrEqual(90);
    expect(COMMON_PASSWORDS.length).toBeLessThanOrEqual(150);
    for (const p of COMMON_PASSWORDS) {
      expect(p.length).toBeGreaterThanOrEqual(10);
      expect(p).toBe(p.toLowerCase());
    }
  });

  it('the staff, reset and change inputs apply the rule, and say which problem in the issue', () => {
    const weak = createStaffInput.safeParse({ username: 'packer', password: 'password123' });
    expect(weak.success).toBe(false);
    expect(weak.error?.issues[0]).toMatchObject({ path: ['password'], params: { problem: 'TOO_COMMON' } });
    expect(createStaffInput.safeParse({ username: 'packer', password: 'packer-password' }).success).toBe(true);
    expect(resetStaffPasswordInput.safeParse({ password: 'short' }).error?.issues[0]).toMatchObject({ params: { problem: 'TOO_SHORT' } });
    expect(changePasswordInput.safeParse({ currentPassword: 'admin', newPassword: 'a-long-new-password' }).success).toBe(true);
    expect(changePasswordInput.safeParse({ currentPassword: '', newPassword: 'a-long-new-password' }).success).toBe(false);
  });
});

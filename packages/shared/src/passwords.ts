// Admin password rules, pure and without zod (the mini program's bundle takes PASSWORD_MIN_LENGTH from here).
import { COMMON_PASSWORDS } from './common-passwords';

/** The least length of a new admin password. */
export const PASSWORD_MIN_LENGTH = 10;
const COMMON_PASSWORD_SET = new Set(COMMON_PASSWORDS);

/**
 * What is wrong with a new admin password, if anything: shorter than 10 characters, longer than 256, or one of
 * the common passwords every guesser tries first (ignoring case). The API answers 400 WEAK_PASSWORD for these.
 */
export function passwordProblem(password: string): 'TOO_SHORT' | 'TOO_LONG' | 'TOO_COMMON' | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return 'TOO_SHORT';
  if (password.length > 256) return 'TOO_LONG';
  if (COMMON_PASSWORD_SET.has(password.toLowerCase())) return 'TOO_COMMON';
  return undefined;
}

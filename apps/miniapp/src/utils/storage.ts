// Persistent state goes through here: one place that knows the keys and survives corrupt values.

export const STORAGE_KEYS = {
  session: 'xd.session',
  cart: 'xd.cart',
  address: 'xd.address',
  testUser: 'xd.testUser',
  admin: 'xd.admin',
} as const;

export type StorageKey = (typeof STORAGE_KEYS)[keyof typeof STORAGE_KEYS];

/** The stored value, or undefined when it is missing or unreadable (a corrupt entry must not break launch). */
export function readJson<T>(key: StorageKey): T | undefined {
  try {
    const raw: unknown = uni.getStorageSync(key);
    if (raw === '' || raw === null || raw === undefined) return undefined;
    return (typeof raw === 'string' ? JSON.parse(raw) : raw) as T;
  } catch {
    return undefined;
  }
}

export function writeJson(key: StorageKey, value: unknown): void {
  try {
    uni.setStorageSync(key, JSON.stringify(value));
  } catch (err) {
    // Storage full or unavailable: the app keeps working from memory.
    console.warn('storage write failed', key, err);
  }
}

export function removeKey(key: StorageKey): void {
  try {
    uni.removeStorageSync(key);
  } catch {
    // nothing stored, nothing to do
  }
}

// The H5 address form's checks. The API validates again with the shared `address` schema; these only give
// the shopper a clear message before the request. The rules themselves (phone numbers, control characters) come
// from @xiaodian/shared's zod-free helpers, so both sides agree.
import { hasControlCharacters, normalizePhone, type Address } from '@xiaodian/shared';

export type AddressDraft = Record<'name' | 'phone' | 'province' | 'city' | 'district' | 'detail' | 'postalCode', string>;

export function emptyDraft(from?: Address): AddressDraft {
  return {
    name: from?.name ?? '',
    phone: from?.phone ?? '',
    province: from?.province ?? '',
    city: from?.city ?? '',
    district: from?.district ?? '',
    detail: from?.detail ?? '',
    postalCode: from?.postalCode ?? '',
  };
}

const LABELS: Record<keyof AddressDraft, string> = {
  name: '收货人',
  phone: '联系电话',
  province: '省份',
  city: '城市',
  district: '区县',
  detail: '详细地址',
  postalCode: '邮编',
};

const MAX: Record<keyof AddressDraft, number> = {
  name: 64,
  phone: 20,
  province: 32,
  city: 32,
  district: 32,
  detail: 200,
  postalCode: 16,
};

export function validateAddress(draft: AddressDraft): { ok: true; address: Address } | { ok: false; message: string } {
  const v = Object.fromEntries(Object.entries(draft).map(([k, s]) => [k, s.trim()])) as AddressDraft;
  for (const key of ['name', 'phone', 'province', 'city', 'district', 'detail'] as const) {
    if (!v[key]) return { ok: false, message: `请填写${LABELS[key]}` };
  }
  for (const key of Object.keys(MAX) as (keyof AddressDraft)[]) {
    if (v[key].length > MAX[key]) return { ok: false, message: `${LABELS[key]}太长` };
  }
  for (const key of Object.keys(MAX) as (keyof AddressDraft)[]) {
    if (hasControlCharacters(v[key])) return { ok: false, message: `${LABELS[key]}含有不可见字符` };
  }
  const phone = normalizePhone(v.phone);
  if (phone === undefined) return { ok: false, message: '请填写 11 位手机号，或带区号的座机（如 010-12345678）' };
  const { postalCode, ...rest } = { ...v, phone };
  return { ok: true, address: postalCode ? { ...rest, postalCode } : rest };
}

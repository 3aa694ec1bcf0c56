import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fakeUni } from '../../test/fake-uni';
import { canOpenSection } from '@/utils/admin-view';
import { FakeAdminApi } from './admin.fake';
import { useAdminStore } from './admin';
import { useAdminAccessStore } from './admin-access';
import { useAdminStaffStore } from './admin-staff';

let api: FakeAdminApi;

async function start(user: 'owner' | 'staff' = 'owner') {
  setActivePinia(createPinia());
  (fakeUni() as unknown as { reLaunch: () => void }).reLaunch = () => undefined;
  await useAdminStore().login(user, `${user}-password`);
  return useAdminStaffStore();
}

const staffCalls = () => fakeUni().requests.filter((r) => r.url.endsWith('/api/admin/staff'));

beforeEach(() => {
  api = new FakeAdminApi();
  fakeUni().responder = api.respond;
});

describe('staff accounts', () => {
  it('the owner lists the accounts and adds a staff account, which is then listed', async () => {
    const staff = await start();
    expect((await staff.load()).map((a) => a.username)).toEqual(['owner', 'staff']);
    const result = await staff.create({ username: ' clerk ', password: 'clerk-password' });
    expect(result).toMatchObject({ ok: true, account: { username: 'clerk', role: 'staff' } });
    const post = staffCalls().find((r) => r.method === 'POST')!;
    expect(post.data).toEqual({ username: 'clerk', password: 'clerk-password' });
    expect(staff.accounts.map((a) => a.username)).toEqual(['owner', 'staff', 'clerk']);
  });

  it('checks the form before calling the API, and shows the API refusing a taken name', async () => {
    const staff = await start();
    expect(await staff.create({ username: 'ab', password: 'short' })).toMatchObject({
      ok: false,
      errors: { username: expect.any(String), password: '密码至少 10 位' },
    });
    expect(await staff.create({ username: 'clerk', password: 'password12' })).toMatchObject({ ok: false, errors: { password: '这个密码太常见，请换一个' } });
    expect(staffCalls().filter((r) => r.method === 'POST')).toHaveLength(0);
    expect(await staff.create({ username: 'staff', password: 'long-enough' })).toEqual({
      ok: false,
      error: '用户名已被使用',
      errors: { username: '用户名已被使用' },
    });
  });

  it('lists disabled accounts as such, and takes the account an action answered', async () => {
    const staff = await start();
    await staff.load();
    expect(staff.accounts.map((a) => [a.username, a.disabled])).toEqual([['owner', false], ['staff', false]]);
    const disabled = await useAdminAccessStore().disable('a2');
    if (!disabled.ok) throw new Error(disabled.error);
    staff.put(disabled.value);
    expect(staff.accounts.find((a) => a.id === 'a2')).toMatchObject({ username: 'staff', disabled: true });
    await staff.load();
    expect(staff.accounts.find((a) => a.id === 'a2')!.disabled).toBe(true);
  });

  it('is the owner’s section: staff may not open it, and the API refuses them anyway', async () => {
    expect(canOpenSection('staff', 'owner')).toBe(true);
    expect(canOpenSection('staff', 'staff')).toBe(false);
    // A stored session whose role is not known yet opens only what every role may.
    expect(canOpenSection('staff', undefined)).toBe(false);
    expect(canOpenSection('orders', 'staff')).toBe(true);

    const staff = await start('staff');
    await expect(staff.load()).rejects.toMatchObject({ status: 403 });
    expect(staff.accounts).toEqual([]);
  });
});

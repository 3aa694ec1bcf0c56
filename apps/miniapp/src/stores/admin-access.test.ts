import { beforeEach, describe, expect, it } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { fakeUni } from '../../test/fake-uni';
import { adminLogin, getMe } from '@/api/admin';
import { FakeAdminApi } from './admin.fake';
import { useAdminStore } from './admin';
import { newPasswordError, PASSWORD_CHANGED_MESSAGE, useAdminAccessStore } from './admin-access';

let api: FakeAdminApi;
let relaunches: string[];

beforeEach(() => {
  setActivePinia(createPinia());
  api = new FakeAdminApi();
  fakeUni().responder = api.respond;
  relaunches = [];
  (fakeUni() as unknown as { reLaunch: (o: { url: string }) => void }).reLaunch = (o) => relaunches.push(o.url);
});

async function signIn(username: string, password = `${username}-password`) {
  await useAdminStore().login(username, password);
  return useAdminAccessStore();
}

describe('ending access', () => {
  it('the owner disables a staff account (its sessions end, it cannot sign in) and enables it again', async () => {
    const staffToken = (await adminLogin({ username: 'staff', password: 'staff-password' })).token;
    const access = await signIn('owner');
    const disabled = await access.disable('a2');
    expect(disabled).toEqual({ ok: true, value: { id: 'a2', username: 'staff', role: 'staff', disabled: true } });
    const call = fakeUni().requests.at(-1)!;
    expect([call.method, call.url]).toEqual(['POST', 'http://127.0.0.1:3000/api/admin/staff/a2/disable']);
    expect(call.header.Authorization).toBe(`Bearer ${useAdminStore().token}`);
    expect(api.tokens.has(staffToken)).toBe(false);
    await expect(adminLogin({ username: 'staff', password: 'staff-password' })).rejects.toMatchObject({ status: 403, code: 'ACCOUNT_DISABLED' });

    const enabled = await access.enable('a2');
    expect(enabled.ok && enabled.value.disabled).toBe(false);
    expect(access.busy).toEqual([]);
  });

  it('says why the API refused, by its code', async () => {
    const access = await signIn('owner');
    expect(await access.disable('a1')).toEqual({ ok: false, code: 'OWNER_PROTECTED', error: '店主账号不能在这里停用或重置' });
    expect(await access.disable('nobody')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    // The session goes on.
    expect(useAdminStore().loggedIn).toBe(true);
  });

  it('resets a staff password after checking it here: weak ones never reach the API', async () => {
    const access = await signIn('owner');
    const before = fakeUni().requests.length;
    expect(await access.resetPassword('a2', 'short')).toEqual({ ok: false, code: 'WEAK_PASSWORD', error: '密码至少 10 位' });
    expect(await access.resetPassword('a2', 'password123')).toMatchObject({ ok: false, code: 'WEAK_PASSWORD', error: '这个密码太常见，请换一个' });
    expect(fakeUni().requests.length).toBe(before);

    expect(await access.resetPassword('a2', 'a-new-staff-password')).toEqual({ ok: true, value: undefined });
    expect(fakeUni().requests.at(-1)!.data).toEqual({ password: 'a-new-staff-password' });
    expect(api.accounts.get('staff')!.password).toBe('a-new-staff-password');
  });

  it('changes one’s own password: a wrong current one keeps the session; success signs the console out', async () => {
    const access = await signIn('staff');
    const wrong = await access.changePassword('not-it', 'my-new-long-password');
    expect(wrong).toEqual({ ok: false, code: 'WRONG_PASSWORD', error: '当前密码不正确' });
    expect(useAdminStore().loggedIn).toBe(true);
    expect(relaunches).toEqual([]);
    expect(await access.changePassword('staff-password', 'qwertyuiop')).toMatchObject({ ok: false, code: 'WEAK_PASSWORD' });

    expect(await access.changePassword('staff-password', 'my-new-long-password')).toEqual({ ok: true, value: undefined });
    expect(fakeUni().requests.filter((r) => r.url.endsWith('/api/admin/password')).at(-1)!.data).toEqual({
      currentPassword: 'staff-password',
      newPassword: 'my-new-long-password',
    });
    expect(useAdminStore().loggedIn).toBe(false);
    expect(relaunches).toEqual(['/pages/admin/login']);
    expect(useAdminStore().notice).toBe(PASSWORD_CHANGED_MESSAGE);
    await expect(getMe()).rejects.toMatchObject({ status: 401 });
    // The new password signs in.
    await useAdminStore().login('staff', 'my-new-long-password');
    expect(useAdminStore().loggedIn).toBe(true);
  });

  it('checks new passwords with the shared rule', () => {
    expect(newPasswordError('123456789')).toBe('密码至少 10 位');
    expect(newPasswordError('1234567890')).toBe('这个密码太常见，请换一个');
    expect(newPasswordError('a-fine-long-password')).toBeUndefined();
  });
});

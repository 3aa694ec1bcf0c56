// Login and sessions under abuse, through HTTP: parallel guesses, floods of bad logins, usernames that must not be
// revealed, an owner nobody may lock out, and the ways access ends (disable, password reset and change, shopper
// logout, deleted shoppers). The API runs behind a proxy (`proxy: true`), so X-Forwarded-For is the client address:
// every test speaks from addresses of its own.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, call, shopperToken, startWorld, type Reply, type World } from './harness';

let world: World;
let owner: string;

beforeAll(async () => {
  world = await startWorld();
  owner = await adminToken(world);
});
afterAll(async () => world?.stop());

const services = () => world.api.instance.services;
let addresses = 0;
/** A client address nobody has used yet in this file. */
const newAddress = () => `10.${Math.floor(++addresses / 250)}.${addresses % 250}.7`;
const login = (username: string, password: string, address: string) =>
  call(world.api.url, 'POST', '/api/admin/login', { body: { username, password }, headers: { 'x-forwarded-for': address } });
const asOwner = (method: string, path: string, body?: unknown) => call(world.api.url, method, path, { token: owner, ...(body ? { body } : {}) });
const answers = (replies: Reply[]) => replies.map((r) => `${r.status} ${r.body?.error?.code ?? ''}`.trim());

async function addStaff(username: string, password = `${username}-password`): Promise<string> {
  const res = await asOwner('POST', '/api/admin/staff', { username, password });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function signIn(username: string, password = `${username}-password`): Promise<string> {
  const res = await login(username, password, newAddress());
  expect(res.status).toBe(200);
  return res.body.token as string;
}

const me = (token: string) => call(world.api.url, 'GET', '/api/admin/me', { token });

describe('parallel guesses', () => {
  it('a burst of 60 guesses, the right one among them, gets at most 5 password checks and does not get in', { timeout: 90_000 }, async () => {
    await addStaff('burst');
    const address = newAddress();
    let answered = 0;
    const wrong = Array.from({ length: 59 }, (_, i) => login('burst', `wrong-guess-${i}`, address).finally(() => answered++));
    // The right password comes once a few wrong ones are answered, while the others are still being checked.
    while (answered < 5) await new Promise((r) => setTimeout(r, 5));
    const right = await login('burst', 'burst-password', address);
    const replies = [...(await Promise.all(wrong)), right];
    expect(right.status).toBe(429);
    expect(replies.filter((r) => r.status === 401).length).toBeLessThanOrEqual(5);
    expect(replies.filter((r) => r.status !== 401).every((r) => r.status === 429 && r.body.error.code === 'TOO_MANY_ATTEMPTS')).toBe(true);
    // Once the burst is over, that name stays locked at that address (not merely busy: a wait of minutes).
    const after = await login('burst', 'burst-password', address);
    expect(after.status).toBe(429);
    expect(Number(after.headers.get('retry-after'))).toBeGreaterThan(60);
  });

  it('bursts of only wrong guesses lock that name at that address: the right password is refused afterwards', { timeout: 90_000 }, async () => {
    await addStaff('bursty');
    const address = newAddress();
    const replies: Reply[] = [];
    for (let round = 0; round < 6; round++) {
      replies.push(...(await Promise.all(Array.from({ length: 10 }, (_, i) => login('bursty', `wrong-${round}-${i}`, address)))));
    }
    expect(replies.filter((r) => r.status === 401).length).toBeLessThanOrEqual(5);
    const right = await login('bursty', 'bursty-password', address);
    expect(right.status).toBe(429);
    expect(right.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(1);
  });
});

describe('a flood of bad logins', () => {
  it('logins beyond what the password hashing may take at once are refused at once: 429 TOO_MANY_ATTEMPTS with Retry-After', { timeout: 90_000 }, async () => {
    const timed = async (i: number) => {
      const started = performance.now();
      const reply = await login(`nobody-${i}`, 'not-the-password', newAddress());
      return { reply, ms: performance.now() - started };
    };
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => timed(i)));
    const refused = results.filter((r) => r.reply.status === 429);
    const checked = results.filter((r) => r.reply.status === 401);
    expect(refused.length).toBeGreaterThanOrEqual(20);
    expect(checked.length + refused.length).toBe(40);
    for (const r of refused) {
      expect(r.reply.body.error.code).toBe('TOO_MANY_ATTEMPTS');
      expect(Number(r.reply.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    }
    // Refused without hashing anything: faster than the checked ones.
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    expect(median(refused.map((r) => r.ms))).toBeLessThan(median(checked.map((r) => r.ms)));
  });

  it('session tokens stay standard HS256 JWTs: tampered, unsigned, other-algorithm and expired tokens are refused', async () => {
    const token = await shopperToken(world, 'jwt-shopper');
    const [header, payload, signature] = token.split('.') as [string, string, string];
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'HS256' });
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(claims).toMatchObject({ kind: 'shopper', userId: expect.any(String), iat: expect.any(Number), exp: expect.any(Number) });
    const orders = (t: string) => call(world.api.url, 'GET', '/api/orders', { token: t });
    expect((await orders(token)).status).toBe(200);

    const secret = world.api.config.jwtSecret;
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const sign = (h: unknown, p: unknown, alg = 'sha256') => {
      const input = `${b64(h)}.${b64(p)}`;
      return `${input}.${createHmac(alg, secret).update(input).digest('base64url')}`;
    };
    // A token signed here with the same key is accepted: the format is plain HS256.
    expect((await orders(sign({ alg: 'HS256', typ: 'JWT' }, claims))).status).toBe(200);
    expect((await orders(`${header}.${b64({ ...claims, userId: '0123456789abcdef01234567' })}.${signature}`)).status).toBe(401);
    expect((await orders(`${b64({ alg: 'none' })}.${payload}.`)).status).toBe(401);
    expect((await orders(sign({ alg: 'HS512' }, claims, 'sha512'))).status).toBe(401);
    expect((await orders(sign({ alg: 'HS256' }, { ...claims, exp: Math.floor(Date.now() / 1000) - 5 }))).status).toBe(401);
    expect((await orders(`${header}.${payload}.${signature.slice(0, -2)}`)).status).toBe(401);
    expect((await orders('a.b')).status).toBe(401);
  });
});

describe('usernames are not revealed, and the owner cannot be locked out', () => {
  it('an unknown name answers exactly as a known one: five 401 UNAUTHORIZED, then 429 TOO_MANY_ATTEMPTS', async () => {
    await addStaff('known-name');
    const attempts = async (username: string) => {
      const address = newAddress();
      const replies: Reply[] = [];
      for (let i = 0; i < 6; i++) replies.push(await login(username, `wrong-${i}-password`, address));
      return replies;
    };
    const known = await attempts('known-name');
    const unknown = await attempts('no-such-name');
    expect(answers(known)).toEqual([...Array(5).fill('401 UNAUTHORIZED'), '429 TOO_MANY_ATTEMPTS']);
    expect(answers(unknown)).toEqual(answers(known));
    const wording = (replies: Reply[]) => replies.map((r) => String(r.body.error.message).replace(/\d+/g, 'N'));
    expect(wording(unknown)).toEqual(wording(known));
  });

  it('guesses from one address lock that address only: the owner still signs in from another', async () => {
    const attacker = newAddress();
    const replies: Reply[] = [];
    for (let i = 0; i < 8; i++) replies.push(await login('owner', `guess-${i}-password`, attacker));
    expect(answers(replies).slice(5)).toEqual(Array(3).fill('429 TOO_MANY_ATTEMPTS'));
    expect((await login('owner', 'owner-password', attacker)).status).toBe(429);
    const elsewhere = await login('owner', 'owner-password', newAddress());
    expect(elsewhere.status).toBe(200);
    expect((await me(elsewhere.body.token)).status).toBe(200);
  });

  it('one address guessing at many names is stopped too', { timeout: 90_000 }, async () => {
    const address = newAddress();
    const replies: Reply[] = [];
    // Two at a time (what the password hashing takes at once), one name after another.
    let next = 0;
    const guesser = async () => {
      while (next < 40) replies.push(await login(`sprayed-${next++}`, 'Spring2025!', address));
    };
    await Promise.all([guesser(), guesser()]);
    expect(replies.filter((r) => r.status === 401).length).toBeLessThanOrEqual(30);
    expect(replies.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(10);
    expect(answers([await login('sprayed-again', 'Spring2025!', address)])).toEqual(['429 TOO_MANY_ATTEMPTS']);
    // Another address is not affected.
    expect((await login('owner', 'owner-password', newAddress())).status).toBe(200);
  });
});

describe('ending access', () => {
  it('the owner disables a staff account: its sessions end and it cannot sign in; enabling lets it back in (audited)', async () => {
    const id = await addStaff('leaving');
    const session = await signIn('leaving');
    const disabled = await asOwner('POST', `/api/admin/staff/${id}/disable`);
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id, username: 'leaving', role: 'staff', disabled: true });
    expect((await me(session)).status).toBe(401);
    const refused = await login('leaving', 'leaving-password', newAddress());
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ACCOUNT_DISABLED');
    // A wrong password says nothing about the account.
    expect(answers([await login('leaving', 'wrong-password', newAddress())])).toEqual(['401 UNAUTHORIZED']);
    expect((await asOwner('GET', '/api/admin/staff')).body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ username: 'leaving', disabled: true })]),
    );

    const enabled = await asOwner('POST', `/api/admin/staff/${id}/enable`);
    expect(enabled.status).toBe(200);
    expect(enabled.body.disabled).toBe(false);
    expect((await me(session)).status).toBe(401); // the old session stays ended
    expect((await me(await signIn('leaving'))).status).toBe(200);

    const audit = (await asOwner('GET', '/api/admin/audit?pageSize=100')).body.items.map((e: any) => [e.actor, e.action]);
    expect(audit).toEqual(expect.arrayContaining([['owner', 'staff.disable'], ['owner', 'staff.enable']]));
  });

  it('the owner cannot disable themselves or another owner; staff cannot disable anyone', async () => {
    const ownerId = (await me(owner)).body.id;
    const self = await asOwner('POST', `/api/admin/staff/${ownerId}/disable`);
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe('OWNER_PROTECTED');
    const other = await services().models.Admin.create({ username: 'co-owner', passwordHash: 'scrypt$x', role: 'owner', createdAt: new Date() });
    expect((await asOwner('POST', `/api/admin/staff/${String(other._id)}/disable`)).body.error.code).toBe('OWNER_PROTECTED');
    expect((await asOwner('POST', `/api/admin/staff/${String(other._id)}/password`, { password: 'a-fresh-long-password' })).body.error.code).toBe(
      'OWNER_PROTECTED',
    );
    expect((await me(owner)).status).toBe(200);
    expect((await asOwner('POST', '/api/admin/staff/0123456789abcdef01234567/disable')).status).toBe(404);
    expect((await asOwner('POST', '/api/admin/staff/nope/disable')).status).toBe(404);

    const victim = await addStaff('victim');
    const staff = await signIn((await addStaff('meddler'), 'meddler'));
    expect((await call(world.api.url, 'POST', `/api/admin/staff/${victim}/disable`, { token: staff })).status).toBe(403);
    expect((await call(world.api.url, 'POST', `/api/admin/staff/${victim}/password`, { token: staff, body: { password: 'a-fresh-long-password' } })).status).toBe(403);
  });

  it('the owner resets a staff password: every session of that account ends and only the new password works (audited)', async () => {
    const id = await addStaff('reset-me');
    const session = await signIn('reset-me');
    const weak = await asOwner('POST', `/api/admin/staff/${id}/password`, { password: 'password123' });
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('WEAK_PASSWORD');
    expect((await me(session)).status).toBe(200);

    expect((await asOwner('POST', `/api/admin/staff/${id}/password`, { password: 'a-fresh-long-password' })).status).toBe(204);
    expect((await me(session)).status).toBe(401);
    expect((await login('reset-me', 'reset-me-password', newAddress())).status).toBe(401);
    expect((await me(await signIn('reset-me', 'a-fresh-long-password'))).status).toBe(200);
    const audit = (await asOwner('GET', '/api/admin/audit?pageSize=100')).body.items;
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ actor: 'owner', action: 'staff.password.reset', detail: expect.stringContaining('reset-me') })]));
    expect(JSON.stringify(audit)).not.toContain('a-fresh-long-password');
  });

  it('an admin changes their own password with the current one: every session ends; a wrong current password is not a 401', async () => {
    await addStaff('changer');
    const first = await signIn('changer');
    const second = await signIn('changer');
    const change = (token: string, currentPassword: string, newPassword: string) =>
      call(world.api.url, 'POST', '/api/admin/password', { token, body: { currentPassword, newPassword } });

    const wrong = await change(first, 'not-my-password', 'my-new-long-password');
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('WRONG_PASSWORD');
    const weak = await change(first, 'changer-password', 'qwertyuiop');
    expect(weak.status).toBe(400);
    expect(weak.body.error.code).toBe('WEAK_PASSWORD');
    expect((await me(first)).status).toBe(200);

    expect((await change(first, 'changer-password', 'my-new-long-password')).status).toBe(204);
    expect((await me(first)).status).toBe(401);
    expect((await me(second)).status).toBe(401);
    expect((await login('changer', 'changer-password', newAddress())).status).toBe(401);
    expect((await me(await signIn('changer', 'my-new-long-password'))).status).toBe(200);
    const audit = (await asOwner('GET', '/api/admin/audit?pageSize=100')).body.items;
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ actor: 'changer', action: 'staff.password.change' })]));
  });

  it('new passwords need 10 characters and must not be common ones', async () => {
    for (const password of ['short-pw', 'password123', '1234567890', 'qwertyuiop']) {
      const res = await asOwner('POST', '/api/admin/staff', { username: `weak-${password.length}-${password[0]}`, password });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('WEAK_PASSWORD');
    }
    expect((await asOwner('POST', '/api/admin/staff', { username: 'strong', password: 'correct horse battery' })).status).toBe(201);
  });

  it('a shopper logs out: that token stops working, and signing in again works', async () => {
    const token = await shopperToken(world, 'leaving-shopper');
    const orders = (t: string) => call(world.api.url, 'GET', '/api/orders', { token: t });
    expect((await orders(token)).status).toBe(200);
    expect((await call(world.api.url, 'POST', '/api/auth/logout', { token })).status).toBe(204);
    expect((await orders(token)).status).toBe(401);
    const second = await world.startAnotherInstance();
    expect((await call(second.url, 'GET', '/api/orders', { token })).status).toBe(401);
    const again = await shopperToken(world, 'leaving-shopper');
    expect((await orders(again)).status).toBe(200);
    expect((await call(world.api.url, 'POST', '/api/auth/logout', {})).status).toBe(401);
  });

  it('the token of a deleted shopper stops working', async () => {
    const token = await shopperToken(world, 'deleted-shopper');
    expect((await call(world.api.url, 'GET', '/api/orders', { token })).status).toBe(200);
    const { openid } = await world.sandbox.control.loginCode('deleted-shopper');
    await services().models.User.deleteOne({ openid });
    expect((await call(world.api.url, 'GET', '/api/orders', { token })).status).toBe(401);
  });
});

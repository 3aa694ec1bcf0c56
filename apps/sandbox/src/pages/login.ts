import { esc, page } from './html';

/** The H5 build's stand-in for wx.login: pick a test user, get redirected back with `code`. */
export function loginPage(redirect: string | undefined, users: Array<{ user: string; openid: string }>): string {
  const link = (user: string) => `/__sandbox/login/choose?${new URLSearchParams({ user, ...(redirect ? { redirect } : {}) })}`;
  return page(
    '微信登录 · Sandbox',
    `<div class="card">
  <h2>微信登录 <span class="badge">sandbox</span></h2>
  <p class="muted small">Choose who is logging in. You will be sent back${redirect ? ` to <code>${esc(redirect)}</code>` : ''} with a one-time <code>code</code>.</p>
  <div class="stack">
    ${users.map((u) => `<a class="button" href="${esc(link(u.user))}"><b>${esc(u.user)}</b> <span class="muted small mono">${esc(u.openid)}</span></a>`).join('\n    ')}
  </div>
  <form class="row" style="margin-top:16px;justify-content:center" method="get" action="/__sandbox/login/choose">
    <input name="user" placeholder="another user name" required pattern="[A-Za-z0-9_.@-]{1,64}">
    ${redirect ? `<input type="hidden" name="redirect" value="${esc(redirect)}">` : ''}
    <button class="primary" type="submit">Log in</button>
  </form>
</div>`,
  );
}

export function loginCodePage(user: string, code: string, openid: string): string {
  return page(
    'Login code · Sandbox',
    `<div class="card"><h2>Login code for ${esc(user)}</h2><p><code>${esc(code)}</code></p><p class="muted small">openid <code>${esc(openid)}</code><br>Valid once, for 5 minutes.</p></div>`,
  );
}

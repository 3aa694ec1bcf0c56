// The dashboard: trades, refunds, and every notification with each delivery attempt and the merchant's answer
// (a webhook inspector), plus the fault, key, clock and settings controls.
import type { Core } from '../core';
import { SUBSCRIBE_TEMPLATES } from '../domain/subscribe';
import { ENDPOINTS, FAULT_KINDS } from '../faults';
import { KEY_MODES } from '../keys';
import type { DeliveryAttempt, NotificationRecord } from '../store';
import { rfc3339 } from '../time';
import { esc, page, yuan } from './html';

const STATE_CLASS: Record<string, string> = {
  SUCCESS: 'ok', delivered: 'ok', REFUND: 'wait', PROCESSING: 'wait', scheduled: 'wait', held: 'wait', NOTPAY: '',
  CLOSED: '', PAYERROR: 'bad', ABNORMAL: 'bad', failed: 'bad',
};
const badge = (s: string) => `<span class="badge ${STATE_CLASS[s] ?? ''}">${esc(s)}</span>`;
const time = (ms: number | undefined) => (ms ? new Date(ms).toLocaleTimeString('zh-CN', { hour12: false }) : '');
const LIMIT = 100;

function attemptRow(a: DeliveryAttempt): string {
  const result = a.dropped
    ? '<span class="badge">dropped</span>'
    : a.status !== undefined
      ? `<span class="badge ${a.ok ? 'ok' : 'bad'}">${a.status}</span>`
      : `<span class="badge bad">${esc(a.error ?? 'error')}</span>`;
  const warn = a.acceptedBadSignature ? ' <span class="badge bad" title="the merchant accepted a bad signature">accepted bad signature!</span>' : '';
  return `<tr><td>${a.n ?? ''}</td><td>${esc(a.kind)}</td><td class="mono">${esc(a.at.slice(11, 23))}</td><td>${a.signature === 'valid' ? 'valid' : `<b>${esc(a.signature)}</b>`}</td><td>${result}${warn}</td><td>${a.durationMs} ms</td><td class="mono small">${esc((a.answer ?? a.error ?? '').slice(0, 160))}</td></tr>`;
}

function notificationBlock(n: NotificationRecord): string {
  return `<tr><td>${badge(n.status)}</td><td><b>${esc(n.event_type)}</b><div class="muted small">${esc(n.summary)}</div></td>
<td class="mono">${esc(n.out_trade_no)}${n.out_refund_no ? `<div class="muted">${esc(n.out_refund_no)}</div>` : ''}</td>
<td class="mono small">${esc(n.notify_url)}</td><td>${n.attempts.length}${n.nextAttemptAt && (n.status === 'scheduled' || n.status === 'held') ? `<div class="muted small">next ${time(n.nextAttemptAt)}</div>` : ''}</td>
<td><button onclick="act('POST','/__sandbox/notifications/${esc(n.id)}/redeliver')">Redeliver</button></td></tr>
<tr><td></td><td colspan="5"><details><summary class="small muted">id <code>${esc(n.id)}</code> · attempts, answers and payload</summary>
<table class="attempts"><tr><th>#</th><th>kind</th><th>at</th><th>signature</th><th>answer</th><th>took</th><th>body</th></tr>${n.attempts.map(attemptRow).join('')}</table>
<div class="grid2"><div><div class="small muted">decrypted resource</div><pre>${esc(JSON.stringify(n.resource, null, 2))}</pre></div><div><div class="small muted">body as sent</div><pre>${esc(n.body)}</pre></div></div>
</details></td></tr>`;
}

/** Subscribe messages as the shopper (or the owner) would see them in WeChat's service notifications. */
function messagesSection(core: Core): string {
  const { messages, subscriptions } = core.store.data;
  const recent = [...messages].reverse().slice(0, LIMIT);
  const quotas = Object.entries(subscriptions).filter(([, n]) => n > 0);
  const titleOf = (id: string) => SUBSCRIBE_TEMPLATES.find((t) => t.id === id)?.title ?? id;
  return `<section><h2>Subscribe messages <span class="muted small">${messages.length} received · ${quotas.length} quota(s) open</span></h2>
<table><tr><th>received</th><th>template</th><th>to</th><th>content</th><th>page</th></tr>
${recent
  .map(
    (m) => `<tr><td class="small">${esc(m.received_at.slice(5, 19).replace('T', ' '))}</td><td><b>${esc(m.title)}</b><div class="muted small mono">${esc(m.template_id)}</div></td><td class="mono small">${esc(m.touser)}</td>
<td>${Object.entries(m.data).map(([k, v]) => `<div><span class="muted small">${esc(k)}</span> ${esc(v.value)}</div>`).join('')}</td><td class="mono small">${esc(m.page ?? '')}</td></tr>`,
  )
  .join('')}
</table>${recent.length === 0 ? '<p class="muted">No subscribe messages yet: grant one with <code>POST /__sandbox/subscribe {openid, templateIds}</code>, then send with <code>/cgi-bin/message/subscribe/send</code>.</p>' : ''}
${quotas.length > 0 ? `<details><summary class="small muted">quotas left</summary><table><tr><th>openid</th><th>template</th><th>left</th></tr>${quotas.map(([key, n]) => { const [openid, id] = key.split('|'); return `<tr><td class="mono small">${esc(openid)}</td><td>${esc(titleOf(id ?? ''))}</td><td>${n}</td></tr>`; }).join('')}</table></details>` : ''}</section>`;
}

/** WeChat's message push to the shop: each push with its attempts and the shop's answers. */
function pushesSection(core: Core): string {
  const pushes = [...core.pusher.records].reverse().slice(0, LIMIT);
  return `<section><h2>Message push <span class="muted small">to <code>${esc(core.pusher.url)}</code> · safe mode · repeats after 5s, 10s, 30s, 60s × ${core.timeScale}</span></h2>
<table><tr><th>status</th><th>event</th><th>transaction_id</th><th>attempts</th><th>last answer</th></tr>
${pushes
  .map((p) => {
    const last = p.attempts.at(-1);
    return `<tr><td>${badge(p.status)}</td><td><b>${esc(p.event)}</b></td><td class="mono small">${esc(p.transaction_id)}</td><td>${p.attempts.length}</td><td class="mono small">${esc(last ? `${last.status ?? last.error ?? ''} ${last.answer ?? ''}`.slice(0, 160) : '')}</td></tr>`;
  })
  .join('')}
</table>${pushes.length === 0 ? '<p class="muted">No pushes yet: a paid trade\'s 确认收货 button sends WeChat\'s settlement push (<code>POST /__sandbox/confirm-receipt</code>).</p>' : ''}</section>`;
}

/** The part of the page that refreshes itself. */
export function dashboardLive(core: Core): string {
  const { data } = core.store;
  const trades = Object.values(data.trades).sort((a, b) => b.createdAt - a.createdAt).slice(0, LIMIT);
  const refunds = Object.values(data.refunds).sort((a, b) => b.createdAt - a.createdAt).slice(0, LIMIT);
  const notifications = [...data.notifications].reverse().slice(0, LIMIT);
  const now = core.clock.now();
  return `
<section><h2>Trades <span class="muted small">${Object.keys(data.trades).length}</span></h2>
<table><tr><th>out_trade_no</th><th>amount</th><th>state</th><th>description</th><th>payer</th><th>created</th><th>transaction_id</th><th></th></tr>
${trades
  .map(
    (t) => `<tr><td class="mono">${esc(t.out_trade_no)}${t.origin === 'inserted' ? ' <span class="badge" title="inserted by the control API">inserted</span>' : ''}</td><td>¥${yuan(t.amount.total)}</td><td>${badge(t.trade_state)}${t.expireAt !== undefined && t.expireAt <= now && t.trade_state === 'NOTPAY' ? ' <span class="badge">expired</span>' : ''}${t.shipping ? ' <span class="badge ok">shipped</span>' : ''}</td>
<td>${esc(t.description)}</td><td class="mono small">${esc(t.payer.openid)}</td><td class="small">${esc(rfc3339(t.createdAt).slice(5, 19).replace('T', ' '))}</td><td class="mono small">${esc(t.transaction_id ?? '')}</td>
<td>${t.trade_state === 'NOTPAY' || t.trade_state === 'PAYERROR' ? `<a class="button" href="/__sandbox/cashier?prepay_id=${encodeURIComponent(t.prepay_id ?? '')}&redirect=${encodeURIComponent('/__sandbox/')}">Cashier</a> <button onclick="act('POST','/__sandbox/pay',{prepay_id:'${esc(t.prepay_id ?? '')}',outcome:'SUCCESS'})">Pay</button>` : ''}${(t.trade_state === 'SUCCESS' || t.trade_state === 'REFUND') && t.transaction_id ? `<button title="the shopper confirms receipt in WeChat: the settlement push" onclick="act('POST','/__sandbox/confirm-receipt',{transaction_id:'${esc(t.transaction_id)}'})">确认收货</button> <button title="the shopper asks the shop to ship" onclick="act('POST','/__sandbox/remind-shipping',{transaction_id:'${esc(t.transaction_id)}'})">提醒发货</button>` : ''}</td></tr>`,
  )
  .join('')}
</table>${trades.length === 0 ? '<p class="muted">No trades yet: prepay with <code>POST /v3/pay/transactions/jsapi</code>.</p>' : ''}</section>

<section><h2>Refunds <span class="muted small">${Object.keys(data.refunds).length}</span></h2>
<table><tr><th>out_refund_no</th><th>out_trade_no</th><th>refund</th><th>status</th><th>created</th><th>notify_url</th><th>settle</th></tr>
${refunds
  .map(
    (r) => `<tr><td class="mono">${esc(r.out_refund_no)}</td><td class="mono">${esc(r.out_trade_no)}</td><td>¥${yuan(r.amount.refund)} <span class="muted small">of ¥${yuan(r.amount.total)}</span></td><td>${badge(r.status)}</td><td class="small">${esc(r.create_time.slice(5, 19).replace('T', ' '))}</td><td class="mono small">${esc(r.notify_url ?? '— (no notification)')}</td>
<td>${r.status === 'PROCESSING' || r.status === 'ABNORMAL' ? ['SUCCESS', 'ABNORMAL', 'CLOSED'].filter((o) => o !== r.status).map((o) => `<button onclick="act('POST','/__sandbox/refunds/${esc(r.out_refund_no)}/settle',{outcome:'${o}'})">${o}</button>`).join(' ') : ''}</td></tr>`,
  )
  .join('')}
</table>${refunds.length === 0 ? '<p class="muted">No refunds yet.</p>' : ''}</section>

<section><h2>Notifications <span class="muted small">${data.notifications.length} · retries every 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h × ${core.timeScale}</span></h2>
<table><tr><th>status</th><th>event</th><th>trade / refund</th><th>notify_url</th><th>attempts</th><th></th></tr>
${notifications.map(notificationBlock).join('')}
</table>${notifications.length === 0 ? '<p class="muted">No notifications yet.</p>' : ''}</section>

${messagesSection(core)}

${pushesSection(core)}

<section><h2>Active faults <span class="muted small">${data.faults.length}</span></h2>
${data.faults.length === 0 ? '<p class="muted">None: the sandbox behaves like a healthy WeChat.</p>' : `<table><tr><th>kind</th><th>scope</th><th>endpoints</th><th>count</th><th>ms</th><th>fired</th><th></th></tr>
${data.faults.map((f) => `<tr><td><b>${esc(f.kind)}</b></td><td class="mono">${esc(f.out_trade_no ?? 'all')}</td><td>${esc(f.endpoints?.join(', ') ?? '')}</td><td>${f.count ?? '∞'}</td><td>${f.ms ?? ''}</td><td>${f.fired}</td><td><button onclick="act('DELETE','/__sandbox/faults/${esc(f.id)}')">Remove</button></td></tr>`).join('')}</table>`}
</section>`;
}

export function dashboardPage(core: Core): string {
  const { identity } = core;
  const settings = core.store.data.settings;
  const keyStatus = core.keys.status(rfc3339);
  const header = `<header><h1>小店 <span>WeChat sandbox</span></h1>
<div class="meta"><span>appid <code>${esc(identity.appid)}</code></span><span>mchid <code>${esc(identity.mchid)}</code></span>
<span>keys <b>${esc(keyStatus.mode)}</b></span><span>clock <code id="clock">${esc(rfc3339(core.clock.now()))}</code>${core.clock.offsetMs ? ` (shifted ${Math.round(core.clock.offsetMs / 1000)} s)` : ''}</span><span>time scale ×${core.timeScale}</span>
<span><a href="/__sandbox/login">login page</a></span><span><a href="/__sandbox/env">api.env</a></span></div></header>`;
  const controls = `<section><h2>Faults</h2>
<form id="fault" class="row" onsubmit="addFault(event)">
<select name="kind">${FAULT_KINDS.map((k) => `<option>${k}</option>`).join('')}</select>
<input name="out_trade_no" placeholder="out_trade_no (empty = all)" size="24">
<span class="small muted">endpoints</span>${ENDPOINTS.map((e) => `<label class="small"><input type="checkbox" name="endpoints" value="${e}">${e}</label>`).join(' ')}
<input name="count" type="number" min="1" placeholder="count" style="width:80px"><input name="ms" type="number" min="0" placeholder="ms" style="width:90px">
<button class="primary" type="submit">Add fault</button><button type="button" class="danger" onclick="act('DELETE','/__sandbox/faults')">Clear all</button></form>
<p class="small muted">drop · drop_first · duplicate · concurrent_duplicates · delay · out_of_order · signtest · tamper_signature shape notifications (with endpoints, signtest/tamper_signature hit answers instead);
http_5xx · timeout hit prepay/query/close/refund (or the endpoints chosen); refund_abnormal · not_enough · login_busy · tamper_bill as named. See the README.</p></section>
<div class="grid2"><section><h2>Keys</h2><div class="row">
<select id="mode">${KEY_MODES.map((m) => `<option ${m === keyStatus.mode ? 'selected' : ''}>${m}</option>`).join('')}</select>
<button onclick="act('POST','/__sandbox/keys',{mode:document.getElementById('mode').value})">Switch mode</button>
<button onclick="act('POST','/__sandbox/keys',{rotate:true})">Rotate platform certificate</button></div>
<div class="small muted">public key id <code>${esc(keyStatus.public_key_id)}</code><br>certificates: ${keyStatus.certificates.map((c) => `<code>${esc(c.serial_no)}</code>${c.serial_no === keyStatus.current_certificate_serial ? ' (signing)' : ''}`).join(', ')}</div></section>
<section><h2>Clock &amp; settings</h2><div class="row">
<input id="advance" type="number" placeholder="seconds" style="width:100px"><button onclick="act('POST','/__sandbox/clock',{advance_ms:Number(document.getElementById('advance').value)*1000})">Advance clock</button>
<button onclick="act('POST','/__sandbox/clock',{offset_ms:0})">Reset clock</button></div>
<div class="row"><label class="small">auto-settle refunds after <input id="auto" type="number" min="0" value="${settings.auto_settle_refunds_ms}" style="width:90px"> ms</label>
<label class="small"><input id="managed" type="checkbox" ${settings.trade_managed ? 'checked' : ''}> is_trade_managed</label>
<label class="small"><input id="strict" type="checkbox" ${settings.strict_bill_timing ? 'checked' : ''}> bills only after 10:00 next day</label>
<button onclick="act('POST','/__sandbox/settings',{auto_settle_refunds_ms:Number(document.getElementById('auto').value),trade_managed:document.getElementById('managed').checked,strict_bill_timing:document.getElementById('strict').checked})">Save</button>
<button class="danger" onclick="confirm('Forget every trade, refund and notification?')&&act('POST','/__sandbox/reset')">Reset state</button></div></section></div>`;
  const script = `
async function act(method, url, body) {
  const res = await fetch(url, { method, headers: body ? { 'Content-Type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined });
  if (!res.ok) { const text = await res.text(); alert(res.status + ' ' + text); }
  refresh();
}
function addFault(event) {
  event.preventDefault();
  const f = new FormData(event.target);
  const spec = { kind: f.get('kind') };
  if (f.get('out_trade_no')) spec.out_trade_no = f.get('out_trade_no');
  const endpoints = f.getAll('endpoints'); if (endpoints.length) spec.endpoints = endpoints;
  if (f.get('count')) spec.count = Number(f.get('count'));
  if (f.get('ms')) spec.ms = Number(f.get('ms'));
  act('POST', '/__sandbox/faults', spec);
}
const open = () => [...document.querySelectorAll('#live details[open] code')].map((c) => c.textContent);
async function refresh() {
  const keep = open();
  const res = await fetch('/__sandbox/?partial=1');
  if (!res.ok) return;
  document.getElementById('live').innerHTML = await res.text();
  document.querySelectorAll('#live details').forEach((d) => { const id = d.querySelector('code'); if (id && keep.includes(id.textContent)) d.open = true; });
}
setInterval(refresh, 2000);`;
  return page('小店 WeChat sandbox', `${header}<main>${controls}<div id="live">${dashboardLive(core)}</div></main>`, script);
}

// Server-rendered HTML for the sandbox's pages: no framework, a little inline CSS.
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function yuan(fen: number): string {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const CSS = `
:root { --green:#07c160; --red:#fa5151; --amber:#f0a020; --ink:#1f2328; --muted:#6e7781; --line:#e5e7eb; --bg:#f6f7f9; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif; color:var(--ink); background:var(--bg); }
header { background:#fff; border-bottom:1px solid var(--line); padding:12px 24px; display:flex; gap:24px; align-items:center; flex-wrap:wrap; }
header h1 { font-size:18px; margin:0; } header h1 span { color:var(--green); }
header .meta { color:var(--muted); font-size:12px; display:flex; gap:16px; flex-wrap:wrap; }
main { padding:16px 24px; max-width:1400px; margin:0 auto; }
section { background:#fff; border:1px solid var(--line); border-radius:8px; margin-bottom:16px; padding:12px 16px; }
section h2 { font-size:15px; margin:0 0 8px; display:flex; justify-content:space-between; align-items:center; }
table { width:100%; border-collapse:collapse; font-size:13px; }
th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
th { color:var(--muted); font-weight:500; white-space:nowrap; }
code, .mono { font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; font-size:12px; }
.badge { display:inline-block; white-space:nowrap; padding:1px 8px; border-radius:10px; font-size:12px; background:#eef0f3; }
.ok { background:#e7f8ef; color:#067d3c; } .bad { background:#fdecec; color:#b42318; } .wait { background:#fff5e0; color:#8a5a00; }
button, .button { font:inherit; font-size:13px; border:1px solid var(--line); background:#fff; border-radius:6px; padding:4px 10px; cursor:pointer; color:var(--ink); text-decoration:none; display:inline-block; }
button:hover, .button:hover { border-color:#c9ced6; }
button.primary { background:var(--green); border-color:var(--green); color:#fff; }
button.danger { color:var(--red); }
button:disabled { opacity:.45; cursor:not-allowed; }
input, select { font:inherit; font-size:13px; padding:4px 6px; border:1px solid var(--line); border-radius:6px; }
.row { display:flex; gap:8px; align-items:center; flex-wrap:wrap; margin:6px 0; }
.muted { color:var(--muted); } .small { font-size:12px; }
details summary { cursor:pointer; }
pre { background:#f6f8fa; padding:8px; border-radius:6px; overflow:auto; max-height:240px; font-size:12px; white-space:pre-wrap; word-break:break-all; margin:4px 0; }
table { table-layout:auto; } td { word-break:break-word; } .grid2 > div { min-width:0; }
.attempts td { font-size:12px; padding:3px 8px; }
.card { max-width:420px; margin:48px auto; background:#fff; border:1px solid var(--line); border-radius:12px; padding:24px; text-align:center; }
.card .amount { font-size:40px; font-weight:600; margin:8px 0; }
.card .stack { display:flex; flex-direction:column; gap:10px; margin-top:20px; }
.card .stack button, .card .stack .button { padding:10px; font-size:15px; }
.error { background:#fdecec; color:#b42318; border-radius:6px; padding:8px 12px; margin:12px 0; text-align:left; }
.grid2 { display:grid; grid-template-columns:minmax(0,1fr) minmax(0,1fr); gap:16px; } @media (max-width:900px){ .grid2{ grid-template-columns:1fr; } }
`;

export function page(title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body>${body}${script ? `<script>${script}</script>` : ''}</body></html>`;
}

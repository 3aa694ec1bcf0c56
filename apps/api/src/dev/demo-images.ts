// Pictures for the demo shop, drawn at seed time: an SVG per product (soft backdrop, the object, a shadow),
// rendered to PNG by sharp. No text: the machine's fonts may lack Chinese glyphs, and a drawing needs none.

export type DemoDrawing = 'tin' | 'bowl' | 'teapot' | 'pitcher' | 'cake' | 'crisp' | 'tshirt';

export interface DemoPicture {
  drawing: DemoDrawing;
  /** The object's main colour. */
  color: string;
  /** The backdrop's two colours (top, bottom). */
  backdrop: [string, string];
}

const SIZE = 800;

function shape(p: DemoPicture): string {
  const c = p.color;
  switch (p.drawing) {
    case 'tin':
      return `<rect x="250" y="230" width="300" height="380" rx="28" fill="${c}"/>
        <ellipse cx="400" cy="230" rx="150" ry="38" fill="#ffffff" opacity="0.35"/>
        <rect x="250" y="330" width="300" height="120" fill="#ffffff" opacity="0.85"/>
        <path d="M370 360 q30 -40 60 0 q-30 50 -60 0z" fill="${c}"/>
        <rect x="395" y="385" width="10" height="40" fill="${c}"/>`;
    case 'bowl':
      return `<ellipse cx="400" cy="300" rx="220" ry="50" fill="#f4f4f2" stroke="#d9d9d4" stroke-width="6"/>
        <path d="M180 300 q20 230 220 240 q200 -10 220 -240z" fill="#ffffff" stroke="#d9d9d4" stroke-width="6"/>
        <path d="M230 360 q170 60 340 0" stroke="${c}" stroke-width="10" fill="none"/>
        <ellipse cx="400" cy="560" rx="90" ry="18" fill="#e6e6e1"/>
        <ellipse cx="400" cy="300" rx="190" ry="36" fill="${c}" opacity="0.55"/>`;
    case 'teapot':
      return `<ellipse cx="400" cy="420" rx="200" ry="160" fill="${c}"/>
        <path d="M590 380 q110 -40 120 -140 l-30 0 q-20 80 -100 100z" fill="${c}"/>
        <path d="M210 350 q-120 20 -100 120 q20 70 110 50" stroke="${c}" stroke-width="34" fill="none"/>
        <ellipse cx="400" cy="270" rx="110" ry="30" fill="#00000022"/>
        <circle cx="400" cy="235" r="30" fill="${c}"/>
        <ellipse cx="340" cy="380" rx="60" ry="90" fill="#ffffff" opacity="0.18"/>`;
    case 'pitcher':
      return `<path d="M260 230 l280 0 l-30 360 q-110 30 -220 0z" fill="${c}" opacity="0.45" stroke="#9bb7c4" stroke-width="6"/>
        <path d="M270 330 l260 0 l-22 258 q-108 28 -216 0z" fill="#c8913f" opacity="0.8"/>
        <path d="M540 230 q50 -10 70 -50" stroke="#9bb7c4" stroke-width="10" fill="none"/>
        <rect x="300" y="250" width="24" height="300" rx="12" fill="#ffffff" opacity="0.5"/>`;
    case 'cake':
      return `<rect x="190" y="340" width="190" height="190" rx="22" fill="${c}"/>
        <rect x="420" y="340" width="190" height="190" rx="22" fill="${c}"/>
        <rect x="305" y="200" width="190" height="190" rx="22" fill="${c}" stroke="#ffffff" stroke-width="8"/>
        <circle cx="400" cy="295" r="14" fill="#f2a33a"/><circle cx="285" cy="435" r="14" fill="#f2a33a"/>
        <circle cx="515" cy="435" r="14" fill="#f2a33a"/>`;
    case 'crisp':
      return [0, 1, 2, 3, 4]
        .map((i) => {
          const x = 250 + (i % 3) * 150;
          const y = 280 + Math.floor(i / 3) * 170 + (i % 2) * 20;
          const dots = [0, 1, 2, 3, 4, 5].map((j) => `<circle cx="${x - 40 + j * 16}" cy="${y - 10 + (j % 2) * 22}" r="5" fill="#3b2a1a"/>`).join('');
          return `<circle cx="${x}" cy="${y}" r="72" fill="${c}" stroke="#b97a2e" stroke-width="6"/>${dots}`;
        })
        .join('');
    case 'tshirt':
      return `<path d="M300 190 l-150 70 l50 120 l70 -30 l0 300 l260 0 l0 -300 l70 30 l50 -120 l-150 -70 q-100 70 -200 0z"
          fill="${c}" stroke="#00000033" stroke-width="6" stroke-linejoin="round"/>
        <path d="M330 200 q70 50 140 0" stroke="#00000026" stroke-width="8" fill="none"/>`;
  }
}

/** The product's picture as SVG text (800 × 800). */
export function demoSvg(p: DemoPicture): string {
  const [top, bottom] = p.backdrop;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">
    <defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/></linearGradient></defs>
    <rect width="${SIZE}" height="${SIZE}" fill="url(#bg)"/>
    <ellipse cx="400" cy="640" rx="250" ry="36" fill="#000000" opacity="0.08"/>
    ${shape(p)}
  </svg>`;
}

/** The picture as PNG bytes (sharp is loaded only when a demo shop is seeded). */
export async function drawDemoPicture(p: DemoPicture): Promise<Buffer> {
  const { default: sharp } = await import('sharp');
  return sharp(Buffer.from(demoSvg(p))).png().toBuffer();
}

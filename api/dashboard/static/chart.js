// Charts drawn as SVG in the page: no library, readable without colour
// (values are written next to bars and points), each with a text alternative.
import { h, s, fmtIID, fmtNum } from './lib.js';

// lineChart draws IID per year on a 0-100 scale with the predicate bands.
// points: [{x: label, y: number, title}]
export function lineChart(points, { label }) {
  const W = 640, H = 260, L = 44, R = 16, T = 16, B = 36;
  const iw = W - L - R, ih = H - T - B;
  const x = (i) => L + (points.length === 1 ? iw / 2 : (i * iw) / (points.length - 1));
  const y = (v) => T + ih - (Math.max(0, Math.min(100, v)) / 100) * ih;
  const g = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'chart', preserveAspectRatio: 'xMidYMid meet' });
  // bands: Kurang Inovatif < 35, Inovatif 35-60, Sangat Inovatif > 60
  g.append(s('rect', { x: L, y: y(100), width: iw, height: y(60) - y(100), class: 'band-si' }));
  g.append(s('rect', { x: L, y: y(60), width: iw, height: y(35) - y(60), class: 'band-i' }));
  for (const v of [0, 35, 60, 100]) {
    g.append(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }));
    g.append(s('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, String(v)));
  }
  if (points.length > 1) {
    g.append(s('polyline', { points: points.map((p, i) => `${x(i)},${y(p.y)}`).join(' '), class: 'line' }));
  }
  points.forEach((p, i) => {
    g.append(s('circle', { cx: x(i), cy: y(p.y), r: 5, class: 'dot' }, s('title', {}, p.title || `${p.x}: ${fmtIID(p.y)}`)));
    g.append(s('text', { x: x(i), y: y(p.y) - 10, 'text-anchor': 'middle', class: 'val' }, fmtIID(p.y)));
    g.append(s('text', { x: x(i), y: H - 12, 'text-anchor': 'middle', class: 'axis' }, String(p.x)));
  });
  return h('figure', { class: 'chart-wrap' }, g);
}

// bars draws labelled horizontal bars. items: [{label, value, cls}]
export function bars(items, { label, total }) {
  const max = Math.max(1, ...items.map((i) => i.value));
  return h('div', { class: 'bars', role: 'list', 'aria-label': label },
    items.map((it) => h('div', { class: 'bar-row', role: 'listitem' },
      h('span', { class: 'bar-label' }, it.label),
      h('span', { class: 'bar-track', 'aria-hidden': 'true' },
        h('span', { class: `bar-fill ${it.cls || ''}`, style: `width:${(100 * it.value) / max}%` })),
      h('span', { class: 'bar-value' }, fmtNum(it.value),
        total ? h('span', { class: 'muted' }, ` (${fmtNum(Math.round((1000 * it.value) / total) / 10)}%)`) : null))));
}

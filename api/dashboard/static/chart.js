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

// stepChart draws values that change in steps over time (the score
// history): each series holds its value until the next step. series:
// [{label, cls, points: [{t: Date ms, y: number, title, href}]}]; all series
// share the time axis. A point with href links there (its table row).
export function stepChart(series, { label, until = 0 }) {
  const W = 640, H = 260, L = 44, R = 16, T = 16, B = 36;
  const iw = W - L - R, ih = H - T - B;
  const all = series.flatMap((se) => se.points);
  if (!all.length) return h('p', { class: 'muted' }, 'Belum ada perubahan.');
  const t0 = Math.min(...all.map((p) => p.t)), last = Math.max(...all.map((p) => p.t));
  const t1 = Math.max(until, last + Math.max((last - t0) / 20, 864e5)); // a little room after the last step
  const top = Math.max(10, Math.ceil((Math.max(...all.map((p) => p.y)) * 1.15) / 10) * 10);
  const x = (t) => L + (t1 === t0 ? iw / 2 : ((t - t0) * iw) / (t1 - t0));
  const y = (v) => T + ih - (Math.max(0, Math.min(top, v)) / top) * ih;
  const g = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'chart steps', preserveAspectRatio: 'xMidYMid meet' });
  for (const v of [0, top / 2, top]) {
    g.append(s('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }));
    g.append(s('text', { x: L - 6, y: y(v) + 4, 'text-anchor': 'end', class: 'axis' }, fmtNum(v)));
  }
  const day = (t) => { const d = new Date(t + 7 * 3600e3); return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`; };
  g.append(s('text', { x: L, y: H - 12, 'text-anchor': 'start', class: 'axis' }, day(t0)));
  g.append(s('text', { x: W - R, y: H - 12, 'text-anchor': 'end', class: 'axis' }, day(t1)));
  for (const se of series) {
    if (!se.points.length) continue;
    let d = `M${x(se.points[0].t)},${y(se.points[0].y)}`;
    for (const p of se.points.slice(1)) d += ` H${x(p.t)} V${y(p.y)}`;
    d += ` H${x(t1)}`;
    g.append(s('path', { d, class: `step ${se.cls || ''}` }));
    for (const p of se.points) {
      const dot = s('circle', { cx: x(p.t), cy: y(p.y), r: 4, class: `dot ${se.cls || ''}` }, s('title', {}, p.title || fmtIID(p.y)));
      g.append(p.href ? s('a', { href: p.href }, dot) : dot);
    }
  }
  const legend = h('p', { class: 'legend muted' }, series.map((se) => h('span', { class: `key ${se.cls || ''}` }, se.label)));
  return h('figure', { class: 'chart-wrap' }, g, legend);
}

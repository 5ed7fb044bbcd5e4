// Masuk: sign in by pasting a token issued with `jejak token issue`.
import { h, fill, api, session, field, roleLabel, errorText } from '../lib.js';

export const title = 'Masuk';

export function page(ctx) {
  const status = h('div', { role: 'status', 'aria-live': 'polite' });
  const form = h('form', { id: 'form-signin', class: 'card', novalidate: true },
    field({ name: 'token', label: 'Token akses', type: 'textarea', required: true,
      hint: 'Tempel token yang Anda terima dari admin Jejak. Token hanya disimpan di tab peramban ini dan hilang saat tab ditutup.' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Masuk')), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const token = new FormData(form).get('token').trim();
    fill(status);
    if (!token) {
      status.append(h('p', { class: 'field-error' }, 'Tempel token terlebih dahulu.'));
      return;
    }
    const prev = session.token;
    session.setToken(token);
    try {
      const me = await api('/api/v1/me');
      if (me.role === 'public') throw new Error('token ini tidak memberi peran');
      await ctx.signedIn();
      status.append(h('p', { class: 'ok' }, `Masuk sebagai ${me.user} (${roleLabel[me.role] || me.role}${me.region ? ', ' + me.region : ''}).`));
      location.hash = me.region ? `#/daerah/${me.region}` : me.role === 'verifier' ? '#/antrian' : me.role === 'auditor' ? '#/audit' : '#/';
    } catch (err) {
      session.setToken(prev);
      status.append(h('div', { class: 'notice error', role: 'alert' }, h('strong', {}, 'Token ditolak: '), errorText(err)));
    }
  });
  return { el: h('div', {}, h('h1', {}, 'Masuk dengan token'), form), refresh: async () => {}, live: false };
}

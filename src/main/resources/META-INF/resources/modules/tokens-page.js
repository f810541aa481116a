// The admin's token page: list, create (the secret is shown once, then forgotten) and revoke tokens.
// It takes the place of the job list while open; the page's elements are in index.html.

import { AuthError } from './api.js';
import { byId, el, replaceChildren, setShown, setText } from './dom.js';
import { formatTime } from './format.js';

const REVOKE_CONFIRM_MS = 5000;

/** onAuthError(): the admin token itself was refused. */
export function createTokensPage({ api, onAuthError }) {
  const ui = {
    open: byId('open-tokens'),
    close: byId('close-tokens'),
    page: byId('tokens-page'),
    jobs: byId('dashboard'),
    form: byId('token-create'),
    formError: byId('token-create-error'),
    created: byId('new-token'),
    secret: byId('new-token-secret'),
    copy: byId('copy-token'),
    dismiss: byId('dismiss-token'),
    notice: byId('tokens-notice'),
    rows: byId('token-rows'),
    empty: byId('tokens-empty'),
  };

  function show(open) {
    setShown(ui.page, open);
    setShown(ui.jobs, !open);
    if (open) {
      load();
      ui.form.elements.namedItem('name').focus();
    } else {
      forgetSecret();
    }
  }

  function forgetSecret() {
    setText(ui.secret, '');
    setText(ui.copy, 'Copy');
    setShown(ui.created, false);
  }

  function handle(error, where) {
    if (error instanceof AuthError) {
      show(false);
      onAuthError();
      return;
    }
    setText(where, error.message);
    setShown(where, true);
  }

  async function load() {
    setShown(ui.notice, false);
    try {
      render(await api.listTokens());
    } catch (error) {
      handle(error, ui.notice);
    }
  }

  function render(tokens) {
    const newestFirst = [...tokens].sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
    replaceChildren(ui.rows, newestFirst.map(row));
    setShown(ui.empty, tokens.length === 0);
  }

  function row(token) {
    const revoked = Boolean(token.revokedAt);
    const expired = !revoked && token.expiresAt && Date.parse(token.expiresAt) < Date.now();
    const status = revoked ? `revoked ${formatTime(token.revokedAt)}` : expired ? 'expired' : 'active';
    const actions = el('td', {});
    if (!revoked) {
      actions.append(revokeButton(token));
    }
    return el('tr', { dataset: { tokenId: token.id, revoked: String(revoked) } },
      el('td', { class: 'token-name', text: token.name }),
      el('td', { text: token.project ?? 'all projects' }),
      el('td', { text: (token.scopes ?? []).join(', ') }),
      el('td', { text: formatTime(token.createdAt) }),
      el('td', { text: token.expiresAt ? formatTime(token.expiresAt) : 'never' }),
      el('td', { class: 'token-status', text: status }),
      actions);
  }

  /** Revoking cannot be undone: the first click arms the button, a second within 5 s revokes. */
  function revokeButton(token) {
    const button = el('button', { class: 'button button-danger', type: 'button', dataset: { action: 'revoke' }, text: 'Revoke' });
    let disarm = null;
    button.addEventListener('click', async () => {
      if (button.dataset.armed !== 'true') {
        button.dataset.armed = 'true';
        setText(button, 'Confirm revoke');
        disarm = setTimeout(() => { button.dataset.armed = 'false'; setText(button, 'Revoke'); }, REVOKE_CONFIRM_MS);
        return;
      }
      clearTimeout(disarm);
      button.disabled = true;
      try {
        await api.revokeToken(token.id);
        await load();
      } catch (error) {
        button.disabled = false;
        handle(error, ui.notice);
      }
    });
    return button;
  }

  async function create(event) {
    event.preventDefault();
    const form = ui.form.elements;
    const scopes = [...ui.form.querySelectorAll('input[name=scopes]:checked')].map((box) => box.value);
    if (scopes.length === 0) {
      setText(ui.formError, 'Pick at least one scope.');
      return;
    }
    const expires = form.namedItem('expiresAt').value;
    const request = {
      name: form.namedItem('name').value.trim(),
      project: form.namedItem('project').value.trim(),
      scopes,
      ...(expires ? { expiresAt: new Date(expires).toISOString() } : {}),
    };
    setText(ui.formError, '');
    try {
      const created = await api.createToken(request);
      setText(ui.secret, created.token);
      setShown(ui.created, true);
      ui.copy.focus();
      form.namedItem('name').value = '';
      await load();
    } catch (error) {
      handle(error, ui.formError);
    }
  }

  ui.open.addEventListener('click', () => show(true));
  ui.close.addEventListener('click', () => show(false));
  ui.form.addEventListener('submit', create);
  ui.dismiss.addEventListener('click', forgetSecret);
  ui.copy.addEventListener('click', () => {
    navigator.clipboard?.writeText(ui.secret.textContent).then(() => setText(ui.copy, 'Copied'), () => {});
  });

  return {
    /** The Tokens button is there for admin tokens only; signing out closes the page. */
    setAdmin(admin) {
      setShown(ui.open, admin);
      if (!admin && !ui.page.hidden) {
        show(false);
      }
    },
  };
}

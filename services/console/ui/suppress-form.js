// "Suppress…": silences findings like this one, as `pipewatch suppress add` does.
import { postJson } from './api.js';
import { h } from './dom.js';
import { formatTime } from './format.js';

const AUTHOR_KEY = 'pipewatch.console.author';

export function suppressForm(finding, onDone) {
  const field = (label, input) => h('label', {}, h('span', {}, label), input);
  const message = h('p', { class: 'form-message', role: 'status' });
  const form = h(
    'form',
    { class: 'suppress-form', id: 'suppress-form', hidden: true },
    field('Pipeline (glob)', h('input', { name: 'pipeline', value: finding.pipeline.id, required: true })),
    field('Rule (id or glob)', h('input', { name: 'rule', value: finding.rule.id, required: true })),
    field('Subject', h('input', { name: 'subject', value: finding.subject ?? '*', required: true })),
    field(
      'For',
      h('select', { name: 'until' }, [['1d', '1 day'], ['7d', '7 days'], ['30d', '30 days'], ['12w', '12 weeks']].map(([value, label]) => h('option', { value, selected: value === '7d' }, label))),
    ),
    field('Reason', h('input', { name: 'reason', required: true, placeholder: 'why this is expected' })),
    field('Author', h('input', { name: 'author', required: true, value: localStorage.getItem(AUTHOR_KEY) ?? '' })),
    h('div', { class: 'form-actions' }, h('button', { type: 'submit' }, 'Suppress'), h('button', { type: 'button', class: 'secondary', onclick: () => (form.hidden = true) }, 'Cancel')),
    message,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = Object.fromEntries(new FormData(form));
    message.textContent = 'Saving…';
    try {
      const { suppression } = await postJson('/v1/suppressions', body);
      localStorage.setItem(AUTHOR_KEY, body.author);
      message.textContent = '';
      form.hidden = true;
      onDone(suppression);
    } catch (error) {
      const issues = error.body?.error?.issues?.map((issue) => `${issue.path}: ${issue.message}`).join('; ');
      message.textContent = `Not saved: ${issues || error.message}`;
    }
  });
  return form;
}

export function suppressionNote(suppression) {
  return h(
    'p',
    { class: 'suppressed-note', id: 'suppressed-note' },
    h('span', { class: 'badge suppressed' }, 'suppressed'),
    ` until ${formatTime(suppression.until)} by ${suppression.author}: ${suppression.reason} (${suppression.id}, rule ${suppression.rule}, subject ${suppression.subject})`,
  );
}

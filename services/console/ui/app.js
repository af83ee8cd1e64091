// The console's single page: a path router over four views.
import { getJson } from './api.js';
import { clear } from './dom.js';
import { findingView } from './finding-view.js';
import { findingsView } from './findings-view.js';
import { pipelineView } from './pipeline-view.js';
import { pipelinesView } from './pipelines-view.js';

const ROUTES = [
  [/^\/ui\/?$/, findingsView, 'findings'],
  [/^\/ui\/findings\/([^/]+)\/?$/, findingView, 'findings'],
  [/^\/ui\/pipelines\/?$/, pipelinesView, 'pipelines'],
  [/^\/ui\/pipelines\/([^/]+)\/?$/, pipelineView, 'pipelines'],
];

const view = document.getElementById('view');
let stopView = () => {};

function render() {
  stopView();
  clear(view);
  document.title = 'pipewatch console';
  const path = location.pathname;
  for (const [pattern, show, nav] of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    for (const link of document.querySelectorAll('[data-nav]')) link.classList.toggle('active', link.dataset.nav === nav);
    stopView = show(view, { params: match.slice(1), navigate }) ?? (() => {});
    return;
  }
  view.textContent = 'Nothing here.';
  stopView = () => {};
}

function navigate(url) {
  history.pushState(null, '', url);
  render();
  window.scrollTo(0, 0);
}

document.addEventListener('click', (event) => {
  const link = event.target.closest('a[data-link]');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(link.getAttribute('href'));
});
window.addEventListener('popstate', render);

getJson('/ui/session')
  .then((session) => {
    document.getElementById('logout').hidden = !session.auth_required;
  })
  .catch(() => {});
render();

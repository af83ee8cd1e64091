// A link from another site (an alert in Slack) arrives without the SameSite=Strict
// cookie; this same-site request carries it, and if the session is there after
// all, reloading the page (now same-site) shows the console.
const next = document.querySelector('input[name="next"]')?.value ?? '/ui';
const hadError = document.querySelector('.error') !== null;
if (!hadError) {
  fetch('/ui/session', { headers: { accept: 'application/json' } })
    .then((response) => {
      if (response.ok) location.replace(next);
    })
    .catch(() => {});
}

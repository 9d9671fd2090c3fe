// The login page: the admin or read token for a session cookie. The form's CSRF token (from
// /console/session, bound to this address) protects it.
import { session, post } from './api.js';

const form = document.getElementById('login');
const error = document.getElementById('error');
session().then((s) => { if (s.authenticated) location.assign('/'); }).catch((e) => { error.textContent = e.message; });
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  error.textContent = '';
  try {
    await post('/console/login', { token: document.getElementById('token').value });
    location.assign('/');
  } catch (e) {
    error.textContent = e.message;
  }
});

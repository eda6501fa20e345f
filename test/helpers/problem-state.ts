import assert from 'node:assert/strict';
import type { PultSim } from './pult-sim';
import { cookieOf, request, SESSION } from '../sim/helpers';

/** A staff form post with the page's CSRF token, as a browser would send it. */
export async function setState(t: PultSim, errorId: number, fields: Record<string, string>) {
  const page = await request(`${t.base}/s/reports/${errorId}`, { headers: { cookie: cookieOf(SESSION.admin), accept: 'text/html' } });
  const csrf = String(page.headers['set-cookie']).split(';')[0];
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
  const rev = /name="rev" value="(\d+)"/.exec(page.text)![1]!;
  const res = await request(`${t.base}/s/errors/${errorId}/state`, {
    method: 'POST',
    headers: { cookie: `${cookieOf(SESSION.admin)}; ${csrf}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ _csrf: token, rev, ...fields }).toString(),
  });
  assert.equal(res.status, 200, res.text);
}

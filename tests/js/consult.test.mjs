// The consultation plaintext built by the phone page (DESIGN §6, "Consultations").
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { padResponses } from '../../survey/static/js/officer/consult-form.js';

const decode = (bytes) => new TextDecoder().decode(bytes);

test('responses are the pinned JSON padded with spaces to 4096 bytes', () => {
  const padded = padResponses({ t1: { stance: 'object', text: '范围太窄' } }, '其他');
  assert.equal(padded.length, 4096);
  const doc = JSON.parse(decode(padded).trimEnd());
  assert.deepEqual(doc, { v: 1, responses: { t1: { stance: 'object', text: '范围太窄' } }, comment: '其他' });
  assert.ok(decode(padded).endsWith(' '));
});

test('the next padded size is used when needed, and a RangeError above the largest', () => {
  assert.equal(padResponses({ t: { stance: 'suggest', text: 'x'.repeat(5000) } }, '').length, 16384);
  assert.throws(() => padResponses({ t: { stance: 'suggest', text: 'x'.repeat(70000) } }, ''), RangeError);
});

test('an unknown stance is refused and lone surrogates become U+FFFD', () => {
  assert.throws(() => padResponses({ t: { stance: 'maybe', text: '' } }, ''), TypeError);
  const doc = JSON.parse(decode(padResponses({ t: { stance: 'agree', text: '' } }, 'a\uD800b')).trimEnd());
  assert.equal(doc.comment, 'a\uFFFDb');
});

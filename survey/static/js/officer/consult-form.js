/**
 * The consultation form (DESIGN §6, "Consultations"): each topic with its goals and a choice of
 * 同意 / 有意见 (a reason is required) / 建议 (text optional), a general comment, and from version 2
 * the record of the version before (what changed, per-topic counts, each objection and its
 * disposition). Everything from the server becomes text, never HTML. Drafts stay on this phone.
 * @module officer/consult-form
 */

import { PADDED_SIZES } from '../hpke.js';
import * as store from './common.js';
import { $, msg, showView } from './page.js';

const STANCES = ['agree', 'object', 'suggest'];

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

/** Lone surrogates become U+FFFD, as the server's parser would refuse them. */
const wellFormed = (text) =>
  String(text).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/**
 * The version-1 plaintext padded with spaces to the smallest of 4096 / 16384 / 65536 bytes.
 * @param {Object<string, {stance: string, text: string}>} responses by topic id
 * @param {string} comment
 * @returns {Uint8Array}
 */
export function padResponses(responses, comment) {
  const clean = {};
  for (const [id, r] of Object.entries(responses)) {
    if (!STANCES.includes(r.stance)) throw new TypeError('padResponses: unknown stance');
    clean[wellFormed(id)] = { stance: r.stance, text: wellFormed(r.text || '') };
  }
  const doc = { v: 1, responses: clean, comment: wellFormed(comment || '') };
  const json = new TextEncoder().encode(JSON.stringify(doc));
  const size = PADDED_SIZES.find((n) => n >= json.length);
  if (size === undefined) throw new RangeError('padResponses: responses too long');
  const out = new Uint8Array(size).fill(0x20);
  out.set(json);
  return out;
}

// ---------------------------------------------------------------------------------------
// The record of the previous version

function countsLine(counts) {
  if (!counts) return msg('c-not-read');
  return msg('c-counts', counts);
}

function renderRecord(keys) {
  const box = $('c-record');
  box.textContent = '';
  const record = keys.record;
  box.hidden = !record;
  if (!record) return;
  box.append(el('h2', msg('c-record-title', { v: record.version })));
  const changes = new Map((record.changes || []).map((c) => [c.id, c]));
  const titles = new Map(keys.topics.map((t) => [t.id, t.title]));
  for (const c of changes.values()) {
    const label = msg(`c-change-${c.change}`);
    box.append(el('p', `${titles.get(c.id) || ''}：${label}`, `o-change o-change-${c.change}`));
  }
  for (const removed of record.removed || []) {
    box.append(el('p', msg('c-removed', { title: removed.title }), 'o-change'));
  }
  for (const topic of record.topics || []) {
    box.append(el('h3', topic.title));
    box.append(el('p', countsLine(topic.counts), 'o-hint'));
    const list = el('ul');
    for (const o of topic.objections || []) {
      const item = el('li');
      item.append(el('p', msg('c-objection', { text: o.text })));
      const d = o.disposition;
      item.append(el('p', d ? `${msg(`c-disp-${d.kind}`)}：${d.text}` : msg('c-no-disposition'), 'o-hint'));
      list.append(item);
    }
    if (list.childElementCount) box.append(list);
  }
  if (record.superior) {
    box.append(el('p', msg('c-superior', { decision: msg(`c-decision-${record.superior.decision}`), text: record.superior.text })));
  }
  box.append(el('p', msg('c-object-again'), 'o-note'));
}

// ---------------------------------------------------------------------------------------
// The form

function loadDraft(roundId) {
  const draft = store.load(roundId, 'draft');
  return draft && typeof draft === 'object' ? draft : {};
}

function saveDraft(roundId, form) {
  try {
    store.save(roundId, 'draft', collect(form).draft);
    $('c-draft-error').hidden = true;
  } catch {
    $('c-draft-error').hidden = false; // storage full or refused: say so, keep typing
  }
}

function topicField(topic, index, draft) {
  const box = el('fieldset', null, 'o-topic');
  box.dataset.topic = topic.id;
  box.append(el('legend', `${index + 1}. ${topic.title}`));
  box.append(el('p', msg('c-problem', { text: topic.problem })));
  box.append(el('p', msg('c-outcome', { text: topic.outcome })));
  const saved = (draft.responses || {})[topic.id] || {};
  for (const stance of STANCES) {
    const label = el('label', null, 'o-choice');
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = `stance-${index}`;
    input.value = stance;
    input.checked = saved.stance === stance;
    label.append(input, document.createTextNode(` ${msg(`c-stance-${stance}`)}`));
    box.append(label);
  }
  const textLabel = el('label', msg('c-text-label'));
  textLabel.htmlFor = `c-text-${index}`;
  const area = document.createElement('textarea');
  area.id = `c-text-${index}`;
  area.rows = 3;
  area.value = typeof saved.text === 'string' ? saved.text : '';
  const error = el('p', msg('c-reason-required'), 'o-error');
  error.id = `c-error-${index}`;
  error.hidden = true;
  area.setAttribute('aria-describedby', error.id);
  box.append(textLabel, area, error);
  return box;
}

/** The responses, the draft to keep, and the first objection without a reason (or null). */
function collect(form) {
  const responses = {};
  let missing = null;
  for (const box of form.querySelectorAll('fieldset.o-topic')) {
    const chosen = box.querySelector('input[type=radio]:checked');
    const area = box.querySelector('textarea');
    const text = area.value.trim();
    const error = box.querySelector('.o-error');
    error.hidden = true;
    area.setAttribute('aria-invalid', 'false');
    if (!chosen) continue;
    responses[box.dataset.topic] = { stance: chosen.value, text: chosen.value === 'agree' ? '' : text };
    if (chosen.value === 'object' && !text && !missing) missing = { area, error };
  }
  const comment = $('c-comment').value.trim();
  const draft = { responses: {}, comment: $('c-comment').value };
  for (const box of form.querySelectorAll('fieldset.o-topic')) {
    const chosen = box.querySelector('input[type=radio]:checked');
    draft.responses[box.dataset.topic] = { stance: chosen ? chosen.value : '', text: box.querySelector('textarea').value };
  }
  return { responses, comment, missing, draft };
}

/**
 * Build the form once and show it; `onSend(padded)` is called after the review step.
 * @param {object} keys the consultation's keys document
 * @param {string} roundId the consultation's id
 * @param {(padded: Uint8Array) => void} onSend
 */
export function showConsultation(keys, roundId, onSend) {
  $('c-title').textContent = keys.title || '';
  document.title = keys.title || document.title;
  $('c-version').textContent = msg('c-version', { v: keys.version });
  renderRecord(keys);
  const form = $('consult-form');
  const box = $('c-topics');
  if (!box.dataset.built) {
    const draft = loadDraft(roundId);
    keys.topics.forEach((topic, index) => box.append(topicField(topic, index, draft)));
    $('c-comment').value = typeof draft.comment === 'string' ? draft.comment : '';
    form.addEventListener('input', () => saveDraft(roundId, form));
    form.addEventListener('change', () => saveDraft(roundId, form));
    box.dataset.built = '1';
  }
  form.onsubmit = (event) => {
    event.preventDefault();
    const { responses, comment, missing } = collect(form);
    if (missing) {
      missing.error.hidden = false;
      missing.area.setAttribute('aria-invalid', 'true');
      missing.area.focus();
      return;
    }
    showConsultReview(keys, responses, comment, {
      onSend,
      onEdit: () => showConsultation(keys, roundId, onSend),
    });
  };
  showView('v-consult');
}

function showConsultReview(keys, responses, comment, { onSend, onEdit }) {
  const list = $('c-review-list');
  list.textContent = '';
  for (const topic of keys.topics) {
    const r = responses[topic.id];
    list.append(el('h3', topic.title));
    const line = r ? msg(`c-stance-${r.stance}`) + (r.text ? `：${r.text}` : '') : msg('c-no-response');
    list.append(el('p', line, 'o-review-text'));
  }
  if (comment) {
    list.append(el('h3', msg('c-comment-title')));
    list.append(el('p', comment, 'o-review-text'));
  }
  let padded = null;
  try {
    padded = padResponses(responses, comment);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
  }
  $('c-too-long').hidden = padded !== null;
  $('c-send').hidden = padded === null;
  $('c-send').onclick = () => onSend(padded);
  $('c-edit').onclick = () => onEdit();
  showView('v-consult-review');
}

/**
 * The review step of the answer page: what will be sent, warnings about details that may
 * identify the writer (never blocking), the size check, and the reminder that a sent answer is
 * final. Loaded with the sealing module (hpke.js) once the officer starts typing, so neither
 * weighs on the way to the answer page (DESIGN.md section 5).
 * @module officer/review
 */

import { padAnswer } from '../hpke.js';
import './send.js'; // fetched with the review step: sending needs no more requests
import { $, msg, showView } from './page.js';

// ---------------------------------------------------------------------------------------
// Review

/**
 * @param {object} keys the round's keys document
 * @param {Object<string, string>} answers section id -> text (non-empty only)
 * @param {{onSend: function, onEdit: function}} actions
 */
export function showReview(keys, answers, { onSend, onEdit }) {
  const list = $('review-list');
  list.textContent = '';
  const warnings = [];
  for (const section of keys.sections) {
    const text = answers[section.id];
    if (!text) continue;
    const title = document.createElement('h3');
    title.textContent = section.title;
    const body = document.createElement('p');
    body.className = 'o-review-text';
    body.textContent = text;
    list.append(title, body);
    for (const found of findIdentifyingDetails(text)) warnings.push({ section, ...found });
  }
  $('review-empty').hidden = Object.keys(answers).length > 0;
  showWarnings(warnings);
  const tooLong = !fitsLargestSize(answers);
  $('review-too-long').hidden = !tooLong;
  $('send').hidden = tooLong;
  $('send').onclick = () => onSend();
  $('edit').onclick = () => onEdit();
  showView('v-review');
}

function showWarnings(warnings) {
  const items = $('warning-list');
  items.textContent = '';
  for (const w of warnings) {
    const item = document.createElement('li');
    item.textContent = msg(`warn-${w.kind}`, { text: w.text, section: w.section.title });
    items.append(item);
  }
  $('review-warnings').hidden = warnings.length === 0;
}

/** The whole answer must fit the largest sealed size (65,536 bytes padded, DESIGN §6). */
function fitsLargestSize(answers) {
  try {
    padAnswer(answers);
    return true;
  } catch (err) {
    if (err instanceof RangeError) return false;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------
// Details that may identify the writer (DESIGN §3): warn, never block

const D = '[0-9\uFF10-\uFF19]'; // ASCII and full-width digits
const CN = '[一二三四五六七八九十两〇零]';
const SEP = '[-/.\uFF0D\uFF0F\uFF0E]';

// Checked in this order; a later match overlapping an earlier one is not reported again.
const PATTERNS = [
  // 2026-03-05, 2026/3/5, 2026.3.5
  ['date', `${D}{4}\\s*${SEP}\\s*${D}{1,2}\\s*${SEP}\\s*${D}{1,2}`],
  // 3月5日, 2026年3月5号, 三月五日
  ['date', `(?:${D}{2,4}\\s*年\\s*)?${D}{1,2}\\s*月\\s*${D}{1,2}\\s*[日号號]`],
  ['date', `${CN}{1,3}月${CN}{1,3}[日号號]`],
  // 14:30, 14：30
  ['time', `${D}{1,2}\\s*[:\uFF1A]\\s*${D}{2}`],
  // 下午3点, 晚上十点
  ['time', `(?:上午|下午|中午|晚上|凌晨|早上|早晨|傍晚|夜里|夜间|半夜)\\s*(?:${D}|${CN}){1,3}\\s*[点點时時]`],
  // 3点半, 15点30分, 9点钟 ("3点" alone is too often "three points")
  ['time', `${D}{1,2}\\s*[点點时時]\\s*(?:${D}{1,2}\\s*分|半|钟|鐘|整)`],
  // six or more digits, maybe split by spaces or dashes; an ID number may end in X
  ['number', `${D}(?:[\\s\\-\uFF0D]?${D}){5,}[xX]?`],
].map(([kind, source]) => ({ kind, re: new RegExp(source, 'g') }));

/**
 * @param {string} text
 * @returns {{kind: 'number'|'date'|'time', text: string}[]} in order of appearance, each
 *   spelling once
 */
export function findIdentifyingDetails(text) {
  const found = [];
  for (const { kind, re } of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const start = m.index;
      const end = start + m[0].length;
      if (!found.some((f) => start < f.end && f.start < end)) {
        found.push({ kind, text: m[0].trim(), start, end });
      }
    }
  }
  found.sort((a, b) => a.start - b.start);
  const seen = new Set();
  return found
    .filter((f) => !seen.has(f.text) && seen.add(f.text))
    .map(({ kind, text: spelled }) => ({ kind, text: spelled }));
}

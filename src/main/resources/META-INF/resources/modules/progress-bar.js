// An accessible progress bar: role="progressbar" with aria-valuenow in percent (0–100) and a
// spoken aria-valuetext. Without a known total the bar is indeterminate (no aria-valuenow).
// The width is set through the CSSOM (element.style), which the Content-Security-Policy allows.

import { el, setAttr } from './dom.js';
import { roundToTenth } from './format.js';

export function createProgressBar(accessibleName, extraClass = '') {
  const fill = el('div', { class: 'bar-fill' });
  const track = el('div', {
    class: `bar ${extraClass}`.trim(),
    role: 'progressbar',
    'aria-label': accessibleName,
    'aria-valuemin': '0',
    'aria-valuemax': '100',
  }, fill);
  return { track, fill };
}

/** percent: 0–100, or null for an indeterminate bar. */
export function updateProgressBar(bar, percent, valueText) {
  const indeterminate = percent === null || percent === undefined;
  bar.track.classList.toggle('bar-indeterminate', indeterminate);
  setAttr(bar.track, 'aria-valuenow', indeterminate ? null : roundToTenth(percent));
  setAttr(bar.track, 'aria-valuetext', valueText || null);
  const width = indeterminate ? '' : `${percent}%`;
  if (bar.fill.style.width !== width) {
    bar.fill.style.width = width;
  }
}

export function setProgressBarName(bar, accessibleName) {
  setAttr(bar.track, 'aria-label', accessibleName);
}

// One job's card: built once with createElement, then updated in place on every snapshot, so the bars
// animate smoothly and focus, open panels and selections survive live updates.

import { el, setAttr, setShown, setText } from './dom.js';
import {
  formatCount, formatCounts, formatDuration, formatLabels, formatPercent, formatRate, formatTime,
  isNumber, percentOf,
} from './format.js';
import { createProgressBar, setProgressBarName, updateProgressBar } from './progress-bar.js';

export const TERMINAL_STATUSES = new Set(['completed', 'failed', 'cancelled']);
/** A job in these states is not moving: an ETA would be stale, so none is shown. */
const NO_ETA_STATUSES = new Set(['paused', 'stalled', ...TERMINAL_STATUSES]);
export const RECENT_EVENT_LIMIT = 20;
const CANCEL_CONFIRM_MS = 5000;
const WARNING_EVENT_TYPES = new Set([
  'job_pause', 'job_cancel', 'job_stalled', 'pause_requested', 'resume_requested', 'cancel_requested',
]);

let cardCounter = 0;

export function isTerminal(job) {
  return TERMINAL_STATUSES.has(job.status);
}

/**
 * key: what the handlers are called with (a job id is unique only within its project, and an admin sees
 * every project). handlers: onControl(key, action, button), onEventsToggle(key, open), onOpenEvent(key, event)
 */
export function createJobCard(key, handlers, { id, project } = {}) {
  cardCounter += 1;
  const headingId = `job-title-${cardCounter}`;
  const view = { jobId: key, handlers, stageViews: new Map(), eventRows: new Map(), cancelArmTimer: null };

  view.name = el('h2', { class: 'job-name', id: headingId });
  view.meta = el('p', { class: 'job-meta muted' });
  view.badge = el('span', { class: 'badge' });
  view.requested = el('span', { class: 'requested', hidden: true });

  view.phase = el('span', { class: 'job-phase' });
  view.counter = el('span', { class: 'job-counter' });
  view.percent = el('span', { class: 'job-percent' });
  view.bar = createProgressBar('Overall progress', 'bar-overall');
  view.details = el('p', { class: 'job-details', hidden: true });
  view.currentItem = el('span', { class: 'job-current-item' });
  view.currentItemRow = el('p', { class: 'job-current-row', hidden: true }, el('span', { class: 'muted', text: 'Current item: ' }), view.currentItem);
  view.message = el('p', { class: 'job-message', hidden: true });
  view.silence = el('p', { class: 'job-silence', hidden: true });

  view.stages = el('div', { class: 'stages' });
  view.stageSummary = el('p', { class: 'stage-summary muted', hidden: true });

  view.rate = el('dd', { class: 'job-rate' });
  view.eta = el('dd', { class: 'job-eta' });
  view.etaStat = statItem('ETA', view.eta);
  view.errorCount = el('dd', { class: 'job-errors' });
  view.updated = el('dd', { class: 'job-updated' });
  const stats = el('dl', { class: 'stats' },
    statItem('Rate', view.rate), view.etaStat,
    statItem('Errors', view.errorCount), statItem('Updated', view.updated));

  view.errorClasses = el('p', { class: 'job-error-classes', hidden: true });
  view.lastError = el('p', { class: 'job-last-error', hidden: true });
  view.itemsByType = el('p', { class: 'job-items-by-type muted', hidden: true });

  view.controls = createControls(view);
  view.notice = el('p', { class: 'job-notice', role: 'alert', hidden: true });
  view.events = createEventsPanel(view);

  const dataset = { jobId: id ?? key, key, ...(project ? { project } : {}) };
  view.root = el('article', { class: 'job', 'aria-labelledby': headingId, dataset },
    el('header', { class: 'job-head' },
      el('div', { class: 'job-title' }, view.name, view.meta),
      el('div', { class: 'job-state' }, view.badge, view.requested)),
    el('div', { class: 'overall' },
      el('div', { class: 'bar-label' }, view.phase, el('span', { class: 'bar-numbers' }, view.counter, view.percent)),
      view.bar.track,
      view.details, view.currentItemRow, view.message, view.silence),
    view.stages,
    view.stageSummary,
    stats,
    view.errorClasses, view.lastError, view.itemsByType,
    view.controls.box,
    view.notice,
    view.events.details);
  return view;
}

function statItem(term, value) {
  return el('div', { class: 'stat' }, el('dt', { text: term }), value);
}

// ---- controls --------------------------------------------------------------------------------

function createControls(view) {
  const pause = el('button', { class: 'button', type: 'button', dataset: { action: 'pause' }, text: 'Pause' });
  const resume = el('button', { class: 'button', type: 'button', dataset: { action: 'resume' }, text: 'Resume', hidden: true });
  const cancel = el('button', { class: 'button button-danger', type: 'button', dataset: { action: 'cancel' }, text: 'Cancel' });
  pause.addEventListener('click', () => view.handlers.onControl(view.jobId, 'pause', pause));
  resume.addEventListener('click', () => view.handlers.onControl(view.jobId, 'resume', resume));
  cancel.addEventListener('click', () => handleCancelClick(view));
  const box = el('div', { class: 'controls', role: 'group', 'aria-label': 'Job controls', hidden: true }, pause, resume, cancel);
  return { box, pause, resume, cancel };
}

/** Cancel is not undoable: the first click arms the button, a second click within 5 s cancels. */
function handleCancelClick(view) {
  const { cancel } = view.controls;
  if (cancel.dataset.armed === 'true') {
    disarmCancel(view);
    view.handlers.onControl(view.jobId, 'cancel', cancel);
    return;
  }
  cancel.dataset.armed = 'true';
  setText(cancel, 'Confirm cancel');
  view.cancelArmTimer = setTimeout(() => disarmCancel(view), CANCEL_CONFIRM_MS);
}

function disarmCancel(view) {
  clearTimeout(view.cancelArmTimer);
  view.controls.cancel.dataset.armed = 'false';
  setText(view.controls.cancel, 'Cancel');
}

function updateControls(view, job, canControl) {
  const { box, pause, resume, cancel } = view.controls;
  const shown = canControl && !isTerminal(job);
  setShown(box, shown);
  if (!shown) {
    disarmCancel(view);
    return;
  }
  const cancelRequested = job.requestedState === 'cancelled';
  const resumable = job.status === 'paused' || job.requestedState === 'paused';
  setShown(pause, !resumable);
  setShown(resume, resumable);
  pause.disabled = cancelRequested || view.busy === true;
  resume.disabled = cancelRequested || view.busy === true;
  cancel.disabled = cancelRequested || view.busy === true;
}

/** Marks the card busy while a control request is in flight. */
export function setCardBusy(view, busy) {
  view.busy = busy;
  view.root.classList.toggle('is-busy', busy);
  setAttr(view.controls.box, 'aria-busy', busy ? 'true' : null);
  if (view.lastJob) {
    updateControls(view, view.lastJob, view.canControl);
  }
}

/** After pause/resume one button replaces the other: keep keyboard focus on the visible one. */
export function keepControlFocus(view, clickedButton) {
  if (!clickedButton.hidden && !clickedButton.disabled) {
    return;
  }
  const { pause, resume, cancel } = view.controls;
  const next = [pause, resume, cancel].find((button) => !button.hidden && !button.disabled);
  (next ?? view.name).focus?.();
}

export function showCardNotice(view, text) {
  setText(view.notice, text);
  setShown(view.notice, Boolean(text));
}

// ---- the snapshot --------------------------------------------------------------------------

export function updateJobCard(view, job, { canControl }) {
  view.lastJob = job;
  view.canControl = canControl;
  view.root.dataset.status = job.status || 'pending';
  setText(view.name, job.name || job.id);
  setText(view.meta, jobMeta(job));
  setText(view.badge, job.status || 'unknown');
  updateRequestedState(view, job);
  updateOverall(view, job);
  updateStages(view, job);
  updateStats(view, job);
  refreshSilence(view);
  updateControls(view, job, canControl);
}

/** A stalled job says how long its worker has been silent; called again every second while shown. */
export function refreshSilence(view) {
  const job = view.lastJob;
  const lastSign = job && job.status === 'stalled' ? Date.parse(job.heartbeatAt ?? job.startedAt ?? job.createdAt ?? '') : NaN;
  const silent = !Number.isNaN(lastSign);
  setShown(view.silence, silent);
  setText(view.silence, silent ? `Last update ${formatDuration(Math.max(0, (Date.now() - lastSign) / 1000))} ago` : '');
}

function etaShown(job, etaSeconds) {
  return isNumber(etaSeconds) && !NO_ETA_STATUSES.has(job.status);
}

/** "3 / 10" with a known total; else "7 items", never "7 / ?". */
function counterText(done, total) {
  if (isNumber(total)) {
    return `${formatCount(done ?? 0)} / ${formatCount(total)}`;
  }
  const count = done ?? 0;
  return `${formatCount(count)} ${count === 1 ? 'item' : 'items'}`;
}

function jobMeta(job) {
  const parts = [job.operation, job.id, formatLabels(job.labels)];
  if (job.startedAt) {
    parts.push(`started ${formatTime(job.startedAt)}`);
  }
  if (job.finishedAt) {
    parts.push(`finished ${formatTime(job.finishedAt)}`);
  }
  return parts.filter(Boolean).join(' · ');
}

function updateRequestedState(view, job) {
  const requested = job.requestedState;
  const pending = requested && requested !== job.status;
  setShown(view.requested, Boolean(pending));
  setText(view.requested, pending ? `${requested === 'cancelled' ? 'cancel' : 'pause'} requested` : '');
}

function updateOverall(view, job) {
  const progress = job.progress || {};
  const percent = percentOf(progress.percent, progress.current, progress.total);
  const counter = counterText(progress.current, progress.total);
  setText(view.phase, progress.phase || statusPhrase(job));
  setText(view.counter, counter);
  setText(view.percent, formatPercent(percent));
  view.root.dataset.percent = percent === null ? 'unknown' : 'known';
  updateProgressBar(view.bar, percent, percent === null ? `${counter}, percent unknown` : `${counter}, ${formatPercent(percent)}`);
  showOptionalText(view.details, progress.details);
  setText(view.currentItem, progress.currentItem);
  setShown(view.currentItemRow, Boolean(progress.currentItem));
  showOptionalText(view.message, progress.message);
}

function statusPhrase(job) {
  switch (job.status) {
    case 'pending': return 'Waiting to start';
    case 'completed': return 'Completed';
    case 'failed': return 'Failed';
    case 'cancelled': return 'Cancelled';
    case 'paused': return 'Paused';
    case 'stalled': return 'No heartbeat: stalled';
    default: return 'Working';
  }
}

function showOptionalText(node, text) {
  setText(node, text);
  setShown(node, Boolean(text));
}

// ---- stages (seed 004: a bar per stage, shown while that stage is active) -------------------

function updateStages(view, job) {
  const stages = Array.isArray(job.stages) ? job.stages : [];
  const seen = new Set();
  for (const stage of stages) {
    seen.add(stage.name);
    const stageView = view.stageViews.get(stage.name) ?? addStageView(view, stage.name);
    updateStage(stageView, stage, job);
  }
  for (const [name, stageView] of view.stageViews) {
    if (!seen.has(name)) {
      stageView.root.remove();
      view.stageViews.delete(name);
    }
  }
  const inactive = stages.filter((stage) => !isStageActive(stage));
  const summary = inactive.map(stageSummaryText).join(' · ');
  showOptionalText(view.stageSummary, summary ? `Stages: ${summary}` : '');
}

export function isStageActive(stage) {
  return stage.status === 'running';
}

function addStageView(view, name) {
  const stageView = {
    name: el('span', { class: 'stage-name', text: name }),
    counter: el('span', { class: 'stage-counter' }),
    percent: el('span', { class: 'stage-percent' }),
    bar: createProgressBar(`Stage ${name}`, 'bar-stage'),
    info: el('p', { class: 'stage-info muted' }),
  };
  stageView.root = el('section', { class: 'stage', 'aria-label': `Stage ${name}`, dataset: { stage: name }, hidden: true },
    el('div', { class: 'bar-label' }, stageView.name,
      el('span', { class: 'bar-numbers' }, stageView.counter, stageView.percent)),
    stageView.bar.track,
    stageView.info);
  view.stages.append(stageView.root);
  view.stageViews.set(name, stageView);
  return stageView;
}

function updateStage(stageView, stage, job) {
  const completed = stage.completed ?? 0;
  const failed = stage.failed ?? 0;
  const percent = percentOf(stage.percent, completed + failed, stage.total);
  const counter = counterText(completed, stage.total);
  setText(stageView.counter, counter);
  setText(stageView.percent, formatPercent(percent));
  setProgressBarName(stageView.bar, `Stage ${stage.name}`);
  updateProgressBar(stageView.bar, percent, `${counter} done${failed ? `, ${failed} failed` : ''}`);
  setText(stageView.info, stageInfoText(stage, etaShown(job, stage.etaSeconds)));
  setShown(stageView.root, isStageActive(stage));
}

function stageInfoText(stage, showEta) {
  const parts = [];
  if (stage.batchInfo) {
    parts.push(stage.batchInfo);
  }
  if (stage.failed) {
    parts.push(`${formatCount(stage.failed)} failed`);
  }
  if (isNumber(stage.ratePerSecond)) {
    parts.push(formatRate(stage.ratePerSecond));
  }
  if (showEta) {
    parts.push(`ETA ${formatDuration(stage.etaSeconds)}`);
  }
  return parts.join(' · ');
}

function stageSummaryText(stage) {
  const counts = isNumber(stage.total) ? ` ${formatCount(stage.completed ?? 0)}/${formatCount(stage.total)}` : '';
  const failed = stage.failed ? `, ${formatCount(stage.failed)} failed` : '';
  const label = stage.status === 'completed' ? 'done' : (stage.status || 'pending');
  return `${stage.name} ${label}${counts}${failed}`;
}

// ---- numbers ------------------------------------------------------------------------------

function updateStats(view, job) {
  const errors = job.errors || {};
  const terminal = isTerminal(job);
  setText(view.rate, terminal ? '—' : formatRate(job.ratePerSecond));
  const showEta = etaShown(job, job.etaSeconds);
  setText(view.eta, showEta ? formatDuration(job.etaSeconds) : '');
  setShown(view.etaStat, showEta);
  setText(view.errorCount, formatCount(errors.count ?? 0));
  view.errorCount.classList.toggle('has-errors', (errors.count ?? 0) > 0);
  setText(view.updated, formatTime(job.updatedAt));
  const classes = formatCounts(errors.byClass);
  showOptionalText(view.errorClasses, classes ? `Errors by class: ${classes}` : '');
  const recent = Array.isArray(errors.recent) && errors.recent.length ? errors.recent[errors.recent.length - 1] : null;
  showOptionalText(view.lastError, recent ? `Last error: ${[recent.item, recent.error].filter(Boolean).join(' — ')}` : '');
  const items = formatCounts(job.itemsByType);
  showOptionalText(view.itemsByType, items ? `Items: ${items}` : '');
}

// ---- recent events ------------------------------------------------------------------------

function createEventsPanel(view) {
  const list = el('ol', { class: 'event-list' });
  const status = el('p', { class: 'events-status muted', text: 'Loading…' });
  const count = el('span', { class: 'events-count muted' });
  const details = el('details', { class: 'job-events' },
    el('summary', {}, 'Recent events ', count),
    status,
    list);
  details.addEventListener('toggle', () => view.handlers.onEventsToggle(view.jobId, details.open));
  return { details, list, status, count };
}

export function isEventsPanelOpen(view) {
  return view.events.details.open;
}

export function setEventsStatus(view, text) {
  showOptionalText(view.events.status, text);
}

/** events: oldest first; shown newest first, one button each that opens the event's data. */
export function renderEvents(view, events) {
  const { list, count } = view.events;
  const newestFirst = [...events].reverse();
  const wanted = new Set(newestFirst.map((event) => String(event.id)));
  for (const [id, row] of view.eventRows) {
    if (!wanted.has(id)) {
      row.remove();
      view.eventRows.delete(id);
    }
  }
  newestFirst.forEach((event, index) => {
    const id = String(event.id);
    const row = view.eventRows.get(id) ?? createEventRow(view, event);
    view.eventRows.set(id, row);
    if (list.children[index] !== row) {
      list.insertBefore(row, list.children[index] ?? null);
    }
  });
  setText(count, events.length ? `(${events.length})` : '');
  setEventsStatus(view, events.length ? '' : 'No events yet.');
}

function createEventRow(view, event) {
  const button = el('button', {
    class: 'event-row', type: 'button', dataset: { eventId: String(event.id), eventType: event.type || '' },
    'aria-haspopup': 'dialog',
  },
  el('time', { class: 'event-time', datetime: event.at || null, text: formatTime(event.at) }),
  el('span', { class: `event-type ${eventTone(event.type)}`, text: event.type || 'event' }),
  el('span', { class: 'event-text', text: eventSummary(event) }));
  button.addEventListener('click', () => view.handlers.onOpenEvent(view.jobId, event));
  return el('li', {}, button);
}

function eventTone(type) {
  if (!type) {
    return '';
  }
  if (type.endsWith('_fail')) {
    return 'tone-bad';
  }
  if (type.endsWith('_complete')) {
    return 'tone-good';
  }
  if (WARNING_EVENT_TYPES.has(type)) {
    return 'tone-warn';
  }
  return '';
}

export function eventSummary(event) {
  const parts = [];
  if (event.stage) {
    parts.push(event.stage);
  }
  if (event.item) {
    parts.push(event.item);
  }
  if (isNumber(event.current)) {
    parts.push(isNumber(event.total) ? `${event.current}/${event.total}` : String(event.current));
  } else if (isNumber(event.total)) {
    parts.push(`total ${event.total}`);
  }
  for (const field of ['phase', 'message', 'error']) {
    if (event[field]) {
      parts.push(String(event[field]));
    }
  }
  return parts.join(' · ');
}

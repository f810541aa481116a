// Formatting of numbers, durations and times for display. Pure functions, no DOM.

const integerFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const rateFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

export function isNumber(value) {
  return typeof value === 'number' && Number.isFinite(value);
}

export function formatCount(value) {
  return isNumber(value) ? integerFormat.format(value) : '?';
}

/** Percent with at most one decimal, e.g. "30%", "33.3%". */
export function formatPercent(percent) {
  if (!isNumber(percent)) {
    return '';
  }
  return `${roundToTenth(clampPercent(percent))}%`;
}

export function clampPercent(percent) {
  return Math.min(100, Math.max(0, percent));
}

export function roundToTenth(value) {
  return Math.round(value * 10) / 10;
}

/**
 * The percent to draw for a counter: the service's figure when present, else handled / total.
 * Null when there is no total (an indeterminate bar).
 */
export function percentOf(percent, handled, total) {
  if (isNumber(percent)) {
    return clampPercent(percent);
  }
  if (isNumber(handled) && isNumber(total) && total > 0) {
    return clampPercent((handled / total) * 100);
  }
  return null;
}

export function formatRate(ratePerSecond) {
  if (!isNumber(ratePerSecond)) {
    return '—';
  }
  if (ratePerSecond > 0 && ratePerSecond < 0.1) {
    return `${rateFormat.format(ratePerSecond * 60)}/min`;
  }
  return `${rateFormat.format(ratePerSecond)}/s`;
}

/** "45 s", "2 min 5 s", "1 h 2 min", "3 d 4 h"; "—" when unknown. */
export function formatDuration(seconds) {
  if (!isNumber(seconds) || seconds < 0) {
    return '—';
  }
  const total = Math.round(seconds);
  const days = Math.floor(total / 86400);
  const hours = Math.floor((total % 86400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  if (days > 0) {
    return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  }
  if (hours > 0) {
    return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  }
  if (minutes > 0) {
    return secs > 0 ? `${minutes} min ${secs} s` : `${minutes} min`;
  }
  return `${secs} s`;
}

/** Local wall-clock time of an ISO timestamp, with the date when it is not today. */
export function formatTime(iso) {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return '';
  }
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
  if (date.toDateString() === new Date().toDateString()) {
    return time;
  }
  return `${date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}

/** "team=data, env=prod" from a labels object. */
export function formatLabels(labels) {
  if (!labels || typeof labels !== 'object') {
    return '';
  }
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
}

/** "timeout 3 · http_404 2" from a {name: count} object, largest first. */
export function formatCounts(counts) {
  if (!counts || typeof counts !== 'object') {
    return '';
  }
  return Object.entries(counts)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([name, count]) => `${name} ${formatCount(count)}`)
    .join(' · ');
}

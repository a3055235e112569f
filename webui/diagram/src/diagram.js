/*
 * gongkai's BPMN diagrams: bpmn-js's read-only viewer with pan and zoom.
 *
 * Every element with `data-bpmn-diagram` is drawn when the page has loaded:
 *
 *   data-bpmn-url     where to fetch the BPMN XML (our own server)
 *   data-process-id   the process to show, where the file holds several
 *   data-completed    JSON list of element ids to mark done
 *   data-waiting      JSON list of element ids to mark as where it is now
 *   data-steps        (optional) JSON list of steps to go through one by one:
 *                     {seq_from, seq_to, at, actor, actor_name, kind, title,
 *                      completed: [ids], waiting: [ids], data: {key: value}}
 *   data-label-error  what to say when the diagram cannot be shown
 *
 * The markup (canvas, note, step controls) comes from the Jinja macro in
 * webui/templates/_diagram.html, its words translated on the server.
 * Nothing is fetched from anywhere but data-bpmn-url.
 */

import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

const DONE = 'gk-done';
const WAITING = 'gk-waiting';
const STEP_HASH = /^#step-(\d+)$/;
/** China Standard Time has had no daylight saving since 1991: UTC+8 all year. */
const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

function jsonAttribute(element, name, fallback) {
  const text = element.getAttribute(name);
  if (!text) {
    return fallback;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    return fallback;
  }
}

function idList(value) {
  return Array.isArray(value) ? value.filter((id) => typeof id === 'string') : [];
}

/**
 * Return the BPMNDiagram that draws the process: its own plane, or the
 * collaboration it takes part in; null to keep the one bpmn-js opened.
 */
export function diagramFor(definitions, processId) {
  const diagrams = (definitions && definitions.diagrams) || [];
  if (!processId) {
    return null;
  }
  for (const diagram of diagrams) {
    const element = diagram.plane && diagram.plane.bpmnElement;
    if (!element) {
      continue;
    }
    if (element.$type === 'bpmn:Process' && element.id === processId) {
      return diagram;
    }
    if (
      element.$type === 'bpmn:Collaboration' &&
      (element.participants || []).some((p) => p.processRef && p.processRef.id === processId)
    ) {
      return diagram;
    }
  }
  return null;
}

/** Format a stored UTC time as Beijing time, "YYYY-MM-DD HH:MM". */
export function beijingTime(iso) {
  const moment = new Date(iso);
  if (!iso || Number.isNaN(moment.getTime())) {
    return iso || '';
  }
  const local = new Date(moment.getTime() + BEIJING_OFFSET_MS);
  const pad = (n) => String(n).padStart(2, '0');
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ` +
    `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`
  );
}

/** Mark elements done and waiting; ids the diagram does not draw are left out. */
class Markers {
  constructor(viewer) {
    this.canvas = viewer.get('canvas');
    this.registry = viewer.get('elementRegistry');
    this.applied = [];
  }

  show(completed, waiting) {
    for (const [id, marker] of this.applied) {
      this.canvas.removeMarker(id, marker);
    }
    this.applied = [];
    const waitingIds = new Set(idList(waiting));
    for (const id of idList(completed)) {
      if (!waitingIds.has(id)) {
        this.add(id, DONE);
      }
    }
    for (const id of waitingIds) {
      this.add(id, WAITING);
    }
  }

  add(id, marker) {
    if (this.registry.get(id)) {
      this.canvas.addMarker(id, marker);
      this.applied.push([id, marker]);
    }
  }

  /** Bring these elements into sight, the zoom kept, when any of them is out of view. */
  reveal(ids) {
    const shapes = idList(ids)
      .map((id) => this.registry.get(id))
      .filter((shape) => shape && shape.width !== undefined);
    if (!shapes.length) {
      return;
    }
    const left = Math.min(...shapes.map((s) => s.x));
    const top = Math.min(...shapes.map((s) => s.y));
    const right = Math.max(...shapes.map((s) => s.x + s.width));
    const bottom = Math.max(...shapes.map((s) => s.y + s.height));
    const box = this.canvas.viewbox();
    const inView =
      left >= box.x && top >= box.y && right <= box.x + box.width && bottom <= box.y + box.height;
    if (!inView) {
      // centred on them, but no further past the drawing's edge than it shows already
      const inner = box.inner;
      const within = (centre, size, start, length) =>
        Math.max(Math.min(centre - size / 2, start + length - size + 20), start - 20);
      this.canvas.viewbox({
        x: within((left + right) / 2, box.width, inner.x, inner.width),
        y: within((top + bottom) / 2, box.height, inner.y, inner.height),
        width: box.width,
        height: box.height,
      });
    }
  }
}

/** The smallest zoom a step-through starts at: bpmn-js's 12px names drawn at about 10px. */
const READABLE = 0.8;

function text(element, value) {
  if (element) {
    element.textContent = value == null ? '' : String(value);
  }
}

function shownValue(value) {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'object') {
    return JSON.stringify(value);
  }
  return String(value);
}

/** The step-through controls: first, previous, next, last, with the keyboard and #step-k. */
class Steps {
  constructor(root, steps, markers) {
    this.root = root;
    this.steps = steps;
    this.markers = markers;
    this.index = 0;
    this.box = root.querySelector('[data-diagram-steps]');
    this.buttons = {};
    for (const button of root.querySelectorAll('button[data-step]')) {
      this.buttons[button.dataset.step] = button;
      button.addEventListener('click', () => this.go(button.dataset.step));
    }
    root.addEventListener('keydown', (event) => this.key(event), true);
    window.addEventListener('hashchange', () => this.fromHash());
    if (this.box) {
      this.box.hidden = false;
    }
  }

  start() {
    if (!this.fromHash()) {
      this.show(0, false);
    }
  }

  fromHash() {
    const match = STEP_HASH.exec(window.location.hash);
    const wanted = match ? Number(match[1]) - 1 : -1;
    if (wanted >= 0 && wanted < this.steps.length) {
      this.show(wanted, false);
      return true;
    }
    return false;
  }

  go(where) {
    const last = this.steps.length - 1;
    const target = {
      first: 0,
      previous: this.index - 1,
      next: this.index + 1,
      last,
    }[where];
    if (target === undefined) {
      return;
    }
    this.show(Math.max(0, Math.min(last, target)), true);
  }

  key(event) {
    const target = event.target;
    if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) {
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    const where = {
      ArrowLeft: 'previous',
      ArrowRight: 'next',
      Home: 'first',
      End: 'last',
    }[event.key];
    if (!where) {
      return;
    }
    // Taken before the diagram's own keyboard (which would pan the canvas).
    event.preventDefault();
    event.stopPropagation();
    this.go(where);
  }

  show(index, updateHash) {
    this.index = index;
    const step = this.steps[index] || {};
    this.markers.show(step.completed, step.waiting);
    // where the case is, or else what was done last, stays in sight as the steps go by
    const waiting = idList(step.waiting);
    this.markers.reveal(waiting.length ? waiting : idList(step.completed).slice(-1));
    const total = this.steps.length;
    const template = this.root.dataset.labelPosition || '{k} / {n}';
    text(
      this.root.querySelector('[data-step-indicator]'),
      template.replace('{k}', String(index + 1)).replace('{n}', String(total)),
    );
    text(this.root.querySelector('[data-step-title]'), step.title || step.kind || '');
    text(this.root.querySelector('[data-step-actor]'), step.actor_name || step.actor || '');
    const actorRow = this.root.querySelector('[data-step-actor-row]');
    if (actorRow) {
      actorRow.hidden = !(step.actor_name || step.actor);
    }
    const time = this.root.querySelector('[data-step-time]');
    if (time) {
      text(time, beijingTime(step.at));
      time.setAttribute('datetime', step.at || '');
    }
    this.showData(step.data);
    const atStart = index === 0;
    const atEnd = index === total - 1;
    for (const [name, disabled] of [
      ['first', atStart],
      ['previous', atStart],
      ['next', atEnd],
      ['last', atEnd],
    ]) {
      if (this.buttons[name]) {
        this.buttons[name].disabled = disabled;
      }
    }
    // A button just disabled loses the focus: keep it in the component, for the keys.
    const focused = document.activeElement;
    if (focused && focused.disabled && this.root.contains(focused)) {
      this.root.focus({ preventScroll: true });
    }
    this.root.dataset.step = String(index + 1);
    if (updateHash) {
      window.history.replaceState(null, '', `#step-${index + 1}`);
    }
  }

  showData(data) {
    const list = this.root.querySelector('[data-step-data]');
    if (!list) {
      return;
    }
    list.replaceChildren();
    const entries = data && typeof data === 'object' ? Object.entries(data) : [];
    for (const [key, value] of entries) {
      const term = document.createElement('dt');
      term.textContent = key;
      const detail = document.createElement('dd');
      detail.textContent = shownValue(value);
      list.append(term, detail);
    }
    list.hidden = entries.length === 0;
  }
}

/**
 * Leave the component itself the diagram's only Tab stop: its keys go through the
 * steps.  bpmn-js makes its drawing focusable (for its own keys, which pan) and its
 * bpmn.io watermark a link; the watermark stays as it is and fully visible, as the
 * bpmn-js licence requires, only out of the Tab order (the page credits bpmn-js
 * below the diagram, with the licences of what is bundled).
 */
function oneTabStop(root) {
  for (const element of root.querySelectorAll('svg[tabindex], a.bjs-powered-by')) {
    element.setAttribute('tabindex', '-1');
  }
}

function showProblem(root, message) {
  const note = root.querySelector('[data-diagram-note]');
  if (note) {
    note.textContent = message;
    note.hidden = false;
  }
  root.classList.add('gk-diagram-failed');
}

/** Draw one diagram element; resolve to its viewer (null when it could not be drawn). */
export async function render(root) {
  const host = root.querySelector('[data-diagram-canvas]') || root;
  const url = root.getAttribute('data-bpmn-url');
  const viewer = new NavigatedViewer({ container: host });
  root.gongkaiViewer = viewer;
  if (root.hasAttribute('tabindex')) {
    oneTabStop(root);
  }
  try {
    const response = await fetch(url, {
      credentials: 'same-origin',
      headers: { Accept: 'application/xml' },
    });
    if (!response.ok) {
      throw new Error(`${url}: HTTP ${response.status}`);
    }
    await viewer.importXML(await response.text());
    const wanted = diagramFor(viewer.getDefinitions(), root.getAttribute('data-process-id'));
    const opened = (viewer.getDefinitions().diagrams || [])[0];
    if (wanted && wanted !== opened) {
      await viewer.open(wanted);
    }
  } catch (error) {
    showProblem(root, root.getAttribute('data-label-error') || String(error));
    root.dataset.diagramState = 'failed';
    throw error;
  }
  viewer.get('canvas').zoom('fit-viewport', 'auto');
  zoomButtons(root, viewer.get('canvas'));
  const markers = new Markers(viewer);
  const steps = idListOfSteps(jsonAttribute(root, 'data-steps', null));
  if (steps) {
    // A wide process fitted whole is too small to read step by step: it is drawn readable
    // and follows the case (适合窗口 shows it whole).
    const canvas = viewer.get('canvas');
    if (canvas.zoom() < READABLE) {
      canvas.zoom(READABLE);
    }
    new Steps(root, steps, markers).start();
  } else {
    markers.show(
      jsonAttribute(root, 'data-completed', []),
      jsonAttribute(root, 'data-waiting', []),
    );
  }
  root.dataset.diagramState = 'ready';
  return viewer;
}

/** Wire the zoom buttons: a large process drawn to fit is too small to read. */
function zoomButtons(root, canvas) {
  const actions = {
    in: () => canvas.zoom(canvas.zoom() * 1.25),
    out: () => canvas.zoom(canvas.zoom() / 1.25),
    fit: () => canvas.zoom('fit-viewport', 'auto'),
  };
  for (const button of root.querySelectorAll('[data-zoom]')) {
    const action = actions[button.getAttribute('data-zoom')];
    if (action) {
      button.addEventListener('click', action);
    }
  }
  const controls = root.querySelector('[data-diagram-zoom]');
  if (controls) {
    controls.hidden = false;
  }
}

function idListOfSteps(value) {
  if (!Array.isArray(value) || value.length === 0) {
    return null;
  }
  return value.filter((step) => step && typeof step === 'object');
}

function renderAll() {
  for (const root of document.querySelectorAll('[data-bpmn-diagram]')) {
    if (!root.dataset.diagramState) {
      root.dataset.diagramState = 'loading';
      render(root).catch((error) => console.warn('gongkai diagram:', error));
    }
  }
}

window.GongkaiDiagram = { render, renderAll, diagramFor, beijingTime };

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', renderAll);
} else {
  renderAll();
}

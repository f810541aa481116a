// Small DOM helpers. Everything that comes from the server goes in as text (textContent or
// Text nodes), never as HTML: there is no innerHTML anywhere in this dashboard.

/**
 * Creates an element. Props: `class`, `text`, `hidden`, `dataset`, `on<event>` listeners; any other
 * key becomes an attribute. Children may be nodes or strings (strings become Text nodes).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    applyProp(node, key, value);
  }
  appendChildren(node, children);
  return node;
}

function applyProp(node, key, value) {
  if (value === undefined || value === null || value === false) {
    return;
  }
  if (key === 'class') {
    node.className = value;
  } else if (key === 'text') {
    node.textContent = String(value);
  } else if (key === 'hidden') {
    node.hidden = true;
  } else if (key === 'dataset') {
    Object.assign(node.dataset, value);
  } else if (key.startsWith('on') && typeof value === 'function') {
    node.addEventListener(key.slice(2), value);
  } else {
    node.setAttribute(key, value === true ? '' : String(value));
  }
}

function appendChildren(node, children) {
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      node.append(child);
    }
  }
}

/** Sets the text of a node only when it changed, so screen readers and selections are not disturbed. */
export function setText(node, text) {
  const value = text === undefined || text === null ? '' : String(text);
  if (node.textContent !== value) {
    node.textContent = value;
  }
}

/** Shows or hides a node with the `hidden` attribute. */
export function setShown(node, shown) {
  if (node.hidden === Boolean(shown)) {
    node.hidden = !shown;
  }
}

/** Sets or removes an attribute, touching the DOM only on change. */
export function setAttr(node, name, value) {
  if (value === undefined || value === null) {
    if (node.hasAttribute(name)) {
      node.removeAttribute(name);
    }
  } else if (node.getAttribute(name) !== String(value)) {
    node.setAttribute(name, String(value));
  }
}

/** Replaces all children of a node. */
export function replaceChildren(node, ...children) {
  node.replaceChildren(...children.flat().filter((child) => child !== undefined && child !== null));
}

export function byId(id) {
  const node = document.getElementById(id);
  if (!node) {
    throw new Error(`missing element #${id}`);
  }
  return node;
}

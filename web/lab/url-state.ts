// Every lab page keeps its state in its URL (DESIGN, "The lab"): each named control writes
// name=value into location.search when it changes, and a page restores its controls from the
// query before its first run, so a link reproduces what a student saw. The query is untrusted:
// unknown names are ignored, a value outside its control's range or list is refused with a
// visible note, and values only ever become a control's value or a note's text, never HTML.

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

const SELECTOR = 'input[name]:not([type=file]):not([type=button]):not([type=submit]), select[name], textarea[name]';
const MAX_LENGTH = 4000; // a textarea's or hidden input's value, e.g. the MNIST page's layers

/** The page's named controls (every state a link carries). */
export const controls = (): Control[] => [...document.querySelectorAll<Control>(SELECTOR)];

const controlNamed = (name: string): Control | undefined => controls().find((c) => c.name === name);

/** A control's value as the URL holds it: checkboxes as 1 or 0. */
export const valueOf = (c: Control): string => (c instanceof HTMLInputElement && c.type === 'checkbox' ? (c.checked ? '1' : '0') : c.value);

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

// Why `raw` cannot be control `c`'s value, or undefined when it can.
function problem(c: Control, raw: string): string | undefined {
  if (c instanceof HTMLSelectElement) {
    const values = [...c.options].map((o) => o.value);
    return values.includes(raw) ? undefined : `expected one of ${values.join(', ')}`;
  }
  if (c instanceof HTMLInputElement && c.type === 'checkbox') return raw === '1' || raw === '0' ? undefined : 'expected 1 or 0';
  const min = c.getAttribute('min'), max = c.getAttribute('max');
  const numeric = c instanceof HTMLInputElement && (c.type === 'range' || c.type === 'number' || min !== null || max !== null);
  if (numeric) {
    const range = `a number${min !== null ? ` from ${min}` : ''}${max !== null ? ` to ${max}` : ''}`;
    if (!NUMBER.test(raw)) return `expected ${range}`;
    const v = Number(raw);
    if ((min !== null && v < Number(min)) || (max !== null && v > Number(max))) return `expected ${range}`;
    return undefined;
  }
  if (raw.length > MAX_LENGTH) return `longer than ${MAX_LENGTH} characters`;
  const pattern = c.getAttribute('pattern');
  if (pattern !== null && !new RegExp(`^(?:${pattern})$`).test(raw)) return `expected ${c.dataset.expects ?? `the form ${pattern}`}`;
  return undefined;
}

// The note under the navigation that lists what the link asked for and did not get.
function note(): HTMLElement {
  let box = document.getElementById('url-note');
  if (!box) {
    box = document.createElement('p');
    box.id = 'url-note';
    box.className = 'url-note';
    box.setAttribute('role', 'status');
    (document.getElementById('lab-nav') ?? document.body.firstElementChild)?.after(box);
  }
  return box;
}

const shorten = (s: string): string => (s.length > 40 ? `${s.slice(0, 40)}…` : s);

/** Shows that the link's `name=raw` was not used, and why (as text: the value may be anything). */
export function refuse(name: string, raw: string, why: string): void {
  const box = note();
  const line = `The link's ${name} = "${shorten(raw)}" was not used: ${why}.`;
  box.textContent = box.textContent ? `${box.textContent}\n${line}` : line;
  box.hidden = false;
}

/**
 * Sets the page's named controls from location.search (call it once the page's controls exist,
 * before its first run); each restored control gets an `input` event, so its shown value follows.
 * Returns the names restored.
 */
export function restoreState(): Set<string> {
  const restored = new Set<string>();
  for (const [name, raw] of new URLSearchParams(location.search)) {
    const c = controlNamed(name);
    if (!c) continue; // not this page's: ignored
    const why = problem(c, raw);
    if (why) {
      refuse(name, raw, why);
      continue;
    }
    if (c instanceof HTMLInputElement && c.type === 'checkbox') c.checked = raw === '1';
    else c.value = raw;
    restored.add(name);
    c.dispatchEvent(new Event('input', { bubbles: true }));
  }
  return restored;
}

/** Writes control `c`'s value into location.search (history.replaceState: no new history entry). */
export function saveControl(c: Control): void {
  const params = new URLSearchParams(location.search);
  params.set(c.name, valueOf(c));
  history.replaceState(history.state, '', `${location.pathname}?${params}${location.hash}`);
}

/** Sets a named hidden input (state that is no visible control) and writes it into the URL. */
export function setHidden(name: string, value: string): void {
  const c = controlNamed(name);
  if (!c) throw new Error(`the page has no control named ${name}`);
  c.value = value;
  saveControl(c);
}

/** Copies the page's link, or where the clipboard is refused, shows it selected to copy by hand. */
async function copyLink(button: HTMLButtonElement): Promise<void> {
  try {
    await navigator.clipboard.writeText(location.href);
    button.textContent = 'Link copied';
  } catch {
    let field = document.getElementById('link-field') as HTMLInputElement | null;
    if (!field) {
      field = document.createElement('input');
      field.id = 'link-field';
      field.readOnly = true;
      field.setAttribute('aria-label', 'This page’s link');
      button.after(field);
    }
    field.value = location.href;
    field.select();
    button.textContent = 'Copy this link:';
  }
  setTimeout(() => (button.textContent = 'Copy link'), 2000);
}

/** Writes every named control into the URL when it changes, and adds the "Copy link" button to `nav`. */
export function keepStateInUrl(nav: HTMLElement | null): void {
  document.addEventListener('change', (e) => {
    const c = e.target as Element;
    if (c instanceof Element && c.matches(SELECTOR) && (c as Control).name) saveControl(c as Control);
  });
  if (!nav) return;
  const button = document.createElement('button');
  button.id = 'copy-link';
  button.type = 'button';
  button.textContent = 'Copy link';
  button.title = 'A link to this page with its settings, to reproduce what you see';
  button.addEventListener('click', () => void copyLink(button));
  nav.append(button);
}

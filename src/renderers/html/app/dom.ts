// Element construction for the page. Every string goes in as a text node or an attribute value,
// never as markup: profile data (function names, paths, the target description) cannot become HTML.

export interface ElementProps {
  className?: string;
  text?: string;
  title?: string;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  children: ReadonlyArray<Node | string> = [],
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className) element.className = props.className;
  if (props.text !== undefined) element.textContent = props.text;
  if (props.title !== undefined) element.title = props.title;
  if (props.attrs) for (const [name, value] of Object.entries(props.attrs)) element.setAttribute(name, value);
  for (const child of children) element.append(child);
  return element;
}

/**
 * Appends `text` to `parent`, with each case-insensitive occurrence of `query` in a `<mark>`
 * (as text nodes, so the text stays data).
 */
export function appendHighlighted(parent: HTMLElement, text: string, query: string): void {
  if (!query) {
    parent.append(text);
    return;
  }
  const lower = text.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf(query, from); at !== -1; at = lower.indexOf(query, from)) {
    if (at > from) parent.append(text.slice(from, at));
    parent.append(el("mark", { text: text.slice(at, at + query.length) }));
    from = at + query.length;
  }
  if (from < text.length) parent.append(text.slice(from));
}

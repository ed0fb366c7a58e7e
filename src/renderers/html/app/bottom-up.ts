// The bottom-up table: functions by self time (or total time), each expandable into the chains
// of callers its self time came through.
import type { BottomUp } from "./bottom-up-data.ts";
import { appendHighlighted, el } from "./dom.ts";
import { colorForProportion, formatTime } from "./format.ts";
import type { IdentifierInfos } from "./identifier-info.ts";
import { matchesIdentifier } from "./search.ts";
import type { AppState } from "./state.ts";

/** Rows beyond this many are left out: they are the long tail of functions that barely ran. */
const ROW_LIMIT = 500;
const INDENT = 18;

export class BottomUpView {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  private data: BottomUp | null = null;
  /** Expanded caller chains, keyed by the ids of the chain. */
  private readonly expanded = new Set<string>();

  constructor(
    private readonly state: AppState,
    private readonly infos: IdentifierInfos,
    private readonly precision: number,
  ) {
    this.body = el("div", { className: "bottom-up-body", attrs: { role: "rowgroup" } });
    const header = el("div", { className: "bottom-up-row bottom-up-header", attrs: { role: "row" } }, [
      this.sortHeader("Self", "self"),
      this.sortHeader("Total", "total"),
      el("span", { className: "cell name-cell", text: "Function", attrs: { role: "columnheader" } }),
      el("span", { className: "cell location-cell", text: "Location", attrs: { role: "columnheader" } }),
    ]);
    this.element = el("div", { className: "bottom-up", attrs: { role: "treegrid", "aria-label": "Functions by self time" } }, [header, this.body]);
    this.body.addEventListener("click", (event) => this.onClick(event));
    this.body.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        this.onClick(event);
      }
    });
  }

  setData(data: BottomUp | null): void {
    this.data = data;
    this.expanded.clear();
    this.render();
  }

  render(): void {
    this.body.replaceChildren();
    this.element.querySelectorAll(".sort-header").forEach((header) => {
      header.classList.toggle("sorted", (header as HTMLElement).dataset.sort === this.state.settings.bottomUpSort);
    });
    const data = this.data;
    if (!data) {
      this.body.append(el("div", { className: "empty-message", text: "No samples were recorded." }));
      return;
    }
    const key = this.state.settings.bottomUpSort;
    const functions = [...data.functions].sort((a, b) => b[key] - a[key] || b.total - a.total).slice(0, ROW_LIMIT);
    for (const stats of functions) {
      this.appendRow([stats.id], stats.self, stats.total, 0);
    }
    if (data.functions.length > ROW_LIMIT) {
      this.body.append(el("div", { className: "bottom-up-more", text: `${data.functions.length - ROW_LIMIT} more functions with less time are not listed.` }));
    }
  }

  private sortHeader(text: string, sort: "self" | "total"): HTMLElement {
    const header = el("button", { className: "cell time-cell sort-header", text, title: `Sort by ${text.toLowerCase()} time`, attrs: { role: "columnheader" } });
    header.dataset.sort = sort;
    header.addEventListener("click", () => this.state.update({ bottomUpSort: sort }));
    return header;
  }

  private appendRow(chain: number[], self: number, total: number | null, depth: number): void {
    const data = this.data!;
    const id = chain[chain.length - 1];
    const info = id === -1 ? null : this.infos.get(id);
    const query = this.state.query;
    const chainKey = chain.join(",");
    const open = this.expanded.has(chainKey);
    const format = this.state.settings.timeFormat;
    const classes = ["bottom-up-row"];
    if (info?.isApplicationCode) classes.push("application-code");
    if (query && id !== -1 && matchesIdentifier(this.infos, id, query)) classes.push("match");
    const row = el("div", { className: classes.join(" "), attrs: { role: "row", tabindex: "0", "aria-level": String(depth + 1) } });
    row.dataset.chain = chainKey;
    const timeCell = (seconds: number | null) => {
      const cell = el("span", { className: "cell time-cell", text: seconds === null ? "" : formatTime(seconds, data.totalTime, format, this.precision) });
      if (seconds !== null) cell.style.color = colorForProportion(data.totalTime > 0 ? seconds / data.totalTime : 0);
      return cell;
    };
    const name = el("span", { className: "cell name-cell" }, [
      el("span", { className: "indent", attrs: { style: `width:${depth * INDENT}px` } }),
      el("span", { className: `triangle${open ? " open" : ""}${id === -1 ? " leaf" : ""}` }),
    ]);
    if (depth > 0) name.append(el("span", { className: "called-from", text: "called from " }));
    appendHighlighted(name, info ? info.name : "(start of the stack)", query);
    const location = el("span", { className: "cell location-cell" });
    appendHighlighted(location, info?.location ?? "", query);
    row.append(timeCell(self), timeCell(total), name, location);
    if (id !== -1) row.setAttribute("aria-expanded", String(open));
    this.body.append(row);
    if (open && id !== -1) {
      for (const caller of data.callers(chain)) this.appendRow([...chain, caller.id], caller.time, null, depth + 1);
    }
  }

  private onClick(event: Event): void {
    const row = event.target instanceof Element ? event.target.closest<HTMLElement>(".bottom-up-row") : null;
    const chain = row?.dataset.chain;
    if (!chain || chain.endsWith("-1")) return;
    if (this.expanded.has(chain)) {
      for (const key of [...this.expanded]) if (key === chain || key.startsWith(`${chain},`)) this.expanded.delete(key);
    } else {
      this.expanded.add(chain);
    }
    this.render();
    this.body.querySelector<HTMLElement>(`.bottom-up-row[data-chain="${chain}"]`)?.focus();
  }
}

// The header: what was profiled and when, the figures of the session, the view tabs and search.
import type { ReportSession } from "./report-session.ts";
import { el } from "./dom.ts";
import type { AppState, ViewName } from "./state.ts";

export const VIEWS: ReadonlyArray<{ name: ViewName; title: string }> = [
  { name: "call-tree", title: "Call tree" },
  { name: "timeline", title: "Timeline" },
  { name: "flame-graph", title: "Flame graph" },
  { name: "bottom-up", title: "Bottom-up" },
];

/** Descriptions can be whole command lines (pyinstrument#448): the header shows a bounded part. */
const DESCRIPTION_LIMIT = 300;

export interface HeaderCallbacks {
  /** Enter in the search box: show the next match (Shift: the previous one). */
  onSearchNext(backwards: boolean): void;
}

export class Header {
  readonly element: HTMLElement;
  readonly searchInput: HTMLInputElement;
  private readonly matchCount: HTMLElement;
  private readonly tabs = new Map<ViewName, HTMLButtonElement>();

  constructor(session: ReportSession, private readonly state: AppState, callbacks: HeaderCallbacks) {
    const description = session.targetDescription;
    const shown = description.length > DESCRIPTION_LIMIT ? `${description.slice(0, DESCRIPTION_LIMIT)}…` : description;
    const recorded = new Date(session.startTime * 1000).toLocaleString(undefined, { dateStyle: "long", timeStyle: "medium" });
    const cpu = session.duration > 0 ? `${((session.cpuTime / session.duration) * 100).toFixed(0)}%` : "–";
    const metric = (label: string, value: string, name: string) =>
      el("span", { className: "metric", attrs: { "data-metric": name } }, [
        el("span", { className: "metric-label", text: `${label}: ` }),
        el("span", { className: "metric-value", text: value }),
      ]);

    const tabList = el("div", { className: "tabs", attrs: { role: "tablist", "aria-label": "Views" } });
    for (const view of VIEWS) {
      const tab = el("button", { className: "tab", text: view.title, attrs: { role: "tab", type: "button" } });
      tab.dataset.view = view.name;
      tab.addEventListener("click", () => state.update({ view: view.name }));
      this.tabs.set(view.name, tab);
      tabList.append(tab);
    }

    this.searchInput = el("input", {
      className: "search-input",
      attrs: { type: "search", placeholder: "Search functions and files", "aria-label": "Search", spellcheck: "false" },
    });
    this.searchInput.addEventListener("input", () => state.setQuery(this.searchInput.value));
    this.searchInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        callbacks.onSearchNext(event.shiftKey);
      } else if (event.key === "Escape") {
        this.searchInput.value = "";
        state.setQuery("");
      }
    });
    this.matchCount = el("span", { className: "match-count", attrs: { "aria-live": "polite" } });

    this.element = el("header", { className: "header" }, [
      el("div", { className: "header-row" }, [
        el("div", { className: "logo", text: "pyinstrument", attrs: { "aria-hidden": "true" } }),
        el("div", { className: "target-description", text: shown, title: description }),
        el("div", { className: "metrics" }, [
          metric("Recorded", recorded, "recorded"),
          metric("Samples", session.sampleCount.toLocaleString("en-US"), "samples"),
          metric("Duration", `${session.duration.toFixed(3)}s`, "duration"),
          metric("CPU utilization", cpu, "cpu"),
        ]),
      ]),
      el("div", { className: "header-row controls-row" }, [
        tabList,
        el("div", { className: "search" }, [this.searchInput, this.matchCount]),
      ]),
    ]);
    this.update();
  }

  update(): void {
    for (const [name, tab] of this.tabs) {
      const selected = name === this.state.settings.view;
      tab.classList.toggle("selected", selected);
      tab.setAttribute("aria-selected", String(selected));
    }
  }

  setMatchCount(count: number | null): void {
    this.matchCount.textContent = count === null || !this.state.query ? "" : count === 1 ? "1 match" : `${count.toLocaleString("en-US")} matches`;
  }
}

/** The page title, as pyinstrument's: total time, the last word of the description, the tool. */
export function pageTitle(totalTime: number | null, description: string): string {
  const short = /[^\s/]+(:\d+)?$/.exec(description)?.[0] ?? description;
  const clipped = short.length > 80 ? `${short.slice(0, 80)}…` : short;
  const time = totalTime === null ? "" : `${totalTime.toLocaleString("en-US", { maximumSignificantDigits: 3 })}s - `;
  return `${time}${clipped} - pyinstrument`;
}

// The options bar under the header: the call tree's processor settings (time format, threshold,
// library collapsing, show/hide patterns), which the flame graph shares, and zoom reset for charts.
import { el } from "./dom.ts";
import { regexError } from "./pipeline.ts";
import type { AppState, CollapseMode } from "./state.ts";

export interface ToolbarCallbacks {
  onResetZoom(): void;
}

export class Toolbar {
  readonly element: HTMLElement;
  private readonly controls: {
    seconds: HTMLInputElement;
    percent: HTMLInputElement;
    threshold: HTMLInputElement;
    collapse: HTMLSelectElement;
    hide: HTMLInputElement;
    show: HTMLInputElement;
    loaders: HTMLInputElement;
  };
  private readonly patternOptions: HTMLElement;
  private readonly groups: HTMLElement[];

  constructor(private readonly state: AppState, callbacks: ToolbarCallbacks) {
    const radio = (value: string) => el("input", { attrs: { type: "radio", name: "time-format", value } });
    const seconds = radio("seconds");
    const percent = radio("percent");
    const threshold = el("input", {
      className: "threshold-input",
      attrs: { type: "number", min: "0", max: "100", step: "0.1", "aria-label": "Hide frames under this percentage of the total" },
    });
    const collapse = el("select", { className: "collapse-select", attrs: { "aria-label": "Collapse" } }, [
      el("option", { text: "library code", attrs: { value: "library" } }),
      el("option", { text: "by file pattern", attrs: { value: "custom" } }),
      el("option", { text: "nothing", attrs: { value: "disabled" } }),
    ]);
    const pattern = (label: string, placeholder: string) =>
      el("input", { className: "pattern-input", attrs: { type: "text", placeholder, "aria-label": label, spellcheck: "false" } });
    const hide = pattern("Hide file paths matching", ".*/node_modules/.*");
    const show = pattern("Show file paths matching", ".*/src/.*");
    const loaders = el("input", { attrs: { type: "checkbox", "aria-label": "Remove module-loader frames" } });
    this.controls = { seconds, percent, threshold, collapse, hide, show, loaders };

    seconds.addEventListener("change", () => state.update({ timeFormat: "seconds" }));
    percent.addEventListener("change", () => state.update({ timeFormat: "percent" }));
    threshold.addEventListener("change", () => {
      const value = Number(threshold.value);
      if (Number.isFinite(value) && value >= 0 && value <= 100) state.update({ threshold: value / 100 });
      else this.update();
    });
    collapse.addEventListener("change", () => state.update({ collapse: collapse.value as CollapseMode }));
    for (const [input, key] of [[hide, "hideRegex"], [show, "showRegex"]] as const) {
      input.addEventListener("change", () => state.update({ [key]: input.value }));
      input.addEventListener("input", () => this.markPattern(input));
    }
    loaders.addEventListener("change", () => state.update({ removeImportlib: loaders.checked }));

    const label = (text: string, control: HTMLElement) => el("label", { className: "option" }, [control, text]);
    // Each group lists the views it applies to.
    const group = (views: string, children: Array<Node | string>, className = "option-group") => {
      const element = el("span", { className }, children);
      element.dataset.views = views;
      return element;
    };
    this.patternOptions = group("call-tree", [
      el("label", { className: "option" }, ["hide ", hide]),
      el("label", { className: "option" }, ["show ", show]),
    ], "option-group pattern-options");
    const reset = el("button", { className: "reset-zoom", text: "Reset zoom", attrs: { type: "button" } });
    reset.addEventListener("click", () => callbacks.onResetZoom());
    this.groups = [
      group("call-tree bottom-up", [el("span", { className: "option-title", text: "Time" }), label("seconds", seconds), label("percent", percent)]),
      group("call-tree flame-graph", [el("label", { className: "option" }, ["Hide frames under ", threshold, "%"])]),
      group("call-tree", [el("label", { className: "option" }, ["Collapse ", collapse])]),
      this.patternOptions,
      group("call-tree timeline flame-graph bottom-up", [label("remove module loaders", loaders)]),
      group("timeline flame-graph", [reset, el("span", { className: "hint", text: "scroll: zoom · drag: pan · click: zoom to frame · Esc: reset" })]),
    ];
    this.element = el("div", { className: "toolbar" }, this.groups);
    this.update();
  }

  /** Shows the controls of the current view and the current settings. */
  update(): void {
    const { settings } = this.state;
    const { seconds, percent, threshold, collapse, hide, show, loaders } = this.controls;
    seconds.checked = settings.timeFormat === "seconds";
    percent.checked = settings.timeFormat === "percent";
    if (document.activeElement !== threshold) threshold.value = String(Math.round(settings.threshold * 100 * 1000) / 1000);
    collapse.value = settings.collapse;
    if (document.activeElement !== hide) hide.value = settings.hideRegex;
    if (document.activeElement !== show) show.value = settings.showRegex;
    loaders.checked = settings.removeImportlib;
    this.markPattern(hide);
    this.markPattern(show);
    for (const group of this.groups) group.hidden = !(group.dataset.views ?? "").split(" ").includes(settings.view);
    if (settings.view === "call-tree") this.patternOptions.hidden = settings.collapse !== "custom";
  }

  private markPattern(input: HTMLInputElement): void {
    const error = regexError(input.value);
    input.classList.toggle("invalid", error !== null);
    input.title = error ?? "";
  }
}

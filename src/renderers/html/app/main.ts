// The report page: reads the payload, rebuilds the session, and drives the views. Each view's
// data is computed when the view is first shown and again only when a setting it uses changes.
import type { Frame } from "../../../frame/frame.ts";
import type { SampleData } from "../../../session/samples.ts";
import type { ReportPayload } from "../payload.ts";
import { BottomUp } from "./bottom-up-data.ts";
import { BottomUpView } from "./bottom-up.ts";
import { CallTreeView } from "./call-tree.ts";
import { ChartView } from "./chart.ts";
import { el } from "./dom.ts";
import { flameGraphBoxes } from "./flame-data.ts";
import { Header, pageTitle } from "./header.ts";
import { IdentifierInfos } from "./identifier-info.ts";
import { callTreeRoot, flameGraphRoot, samplesPerStack, withoutModuleLoaderFrames } from "./pipeline.ts";
import { decodeReport, type ReportSession } from "./report-session.ts";
import { AppState, type ViewName } from "./state.ts";
import { matchesIdentifier } from "./search.ts";
import { timelineBoxes } from "./timeline-data.ts";
import { Toolbar } from "./toolbar.ts";

const TREE_SETTINGS = ["threshold", "collapse", "hideRegex", "showRegex", "removeImportlib"];

class App {
  private readonly state: AppState;
  private readonly infos: IdentifierInfos;
  private readonly header: Header;
  private readonly toolbar: Toolbar;
  private readonly callTree: CallTreeView;
  private readonly timeline: ChartView;
  private readonly flameGraph: ChartView;
  private readonly bottomUp: BottomUpView;
  private readonly panels = new Map<ViewName, HTMLElement>();
  /** Which views show data for the current settings. */
  private readonly fresh = new Set<ViewName>();
  private samplesCache: { removeLoaders: boolean; samples: SampleData; perStack: ReportSession | null } | null = null;
  private bottomUpCache: { samples: SampleData; data: BottomUp } | null = null;

  constructor(private readonly root: HTMLElement, private readonly session: ReportSession, payload: ReportPayload) {
    this.state = new AppState(payload.initialView);
    this.infos = new IdentifierInfos(session);
    const precision = session.precision;
    this.header = new Header(session, this.state, { onSearchNext: (backwards) => this.searchNext(backwards) });
    this.toolbar = new Toolbar(this.state, { onResetZoom: () => this.currentChart()?.resetZoom() });
    this.callTree = new CallTreeView(this.state, precision, session.recordCount ? "All frames were filtered out." : "No samples were recorded.");
    this.timeline = new ChartView({ axis: true, precision, ariaLabel: "Timeline" });
    this.flameGraph = new ChartView({ axis: false, precision, ariaLabel: "Flame graph" });
    this.bottomUp = new BottomUpView(this.state, this.infos, precision);
    const main = el("main", { className: "views" });
    for (const [name, view] of [
      ["call-tree", this.callTree.element],
      ["timeline", this.timeline.element],
      ["flame-graph", this.flameGraph.element],
      ["bottom-up", this.bottomUp.element],
    ] as const) {
      const panel = el("section", { className: `view view-${name}`, attrs: { role: "tabpanel" } }, [view]);
      panel.dataset.view = name;
      this.panels.set(name, panel);
      main.append(panel);
    }
    root.replaceChildren(el("div", { className: "app" }, [this.header.element, this.toolbar.element, main]));
    this.state.subscribe((changed) => this.onChange(changed));
    this.showView();
  }

  private samples(): SampleData {
    const removeLoaders = this.state.settings.removeImportlib;
    if (this.samplesCache?.removeLoaders !== removeLoaders) {
      const base = this.session.samples;
      this.samplesCache = { removeLoaders, samples: removeLoaders ? withoutModuleLoaderFrames(base) : base, perStack: null };
    }
    return this.samplesCache.samples;
  }

  /** The session the aggregated views are built from: the samples the settings call for, one per stack. */
  private aggregatedSession(): ReportSession {
    const samples = this.samples();
    const cache = this.samplesCache!;
    cache.perStack ??= this.session.withSamples(samplesPerStack(samples));
    return cache.perStack;
  }

  private bottomUpData(): BottomUp {
    const samples = this.samples();
    if (this.bottomUpCache?.samples !== samples) this.bottomUpCache = { samples, data: new BottomUp(samples) };
    return this.bottomUpCache.data;
  }

  private onChange(changed: ReadonlySet<string>): void {
    if (TREE_SETTINGS.some((key) => changed.has(key))) {
      this.fresh.delete("call-tree");
      this.fresh.delete("flame-graph");
      if (changed.has("removeImportlib")) {
        this.fresh.delete("timeline");
        this.fresh.delete("bottom-up");
      }
    }
    if (changed.has("bottomUpSort")) this.fresh.delete("bottom-up");
    if (changed.has("timeFormat")) {
      this.callTree.refresh();
      this.bottomUp.render();
    }
    if (changed.has("query")) {
      this.callTree.refresh();
      this.timeline.setQuery(this.state.query);
      this.flameGraph.setQuery(this.state.query);
      this.bottomUp.render();
    }
    this.header.update();
    this.toolbar.update();
    this.showView();
  }

  private showView(): void {
    const view = this.state.settings.view;
    for (const [name, panel] of this.panels) panel.hidden = name !== view;
    this.root.dataset.view = view;
    if (!this.fresh.has(view)) {
      this.fresh.add(view);
      this.computeView(view);
    }
    this.updateMatchCount();
  }

  private computeView(view: ViewName): void {
    const settings = this.state.settings;
    if (view === "call-tree") {
      const rootFrame: Frame | null = callTreeRoot(this.aggregatedSession(), settings);
      this.callTree.setRoot(rootFrame);
      document.title = pageTitle(rootFrame?.time ?? null, this.session.targetDescription);
    } else if (view === "flame-graph") {
      const rootFrame = flameGraphRoot(this.aggregatedSession(), settings);
      this.flameGraph.setBoxes(rootFrame ? flameGraphBoxes(rootFrame) : null);
      this.flameGraph.setQuery(this.state.query);
    } else if (view === "timeline") {
      this.timeline.setBoxes(timelineBoxes(this.session, this.samples(), this.infos));
      this.timeline.setQuery(this.state.query);
    } else {
      this.bottomUp.setData(this.session.recordCount ? this.bottomUpData() : null);
    }
  }

  private currentChart(): ChartView | null {
    const view = this.state.settings.view;
    return view === "timeline" ? this.timeline : view === "flame-graph" ? this.flameGraph : null;
  }

  private searchNext(backwards: boolean): void {
    if (this.state.settings.view === "call-tree") this.callTree.revealNextMatch(backwards);
    else if (this.state.settings.view === "bottom-up") this.root.querySelector<HTMLElement>(".bottom-up-row.match")?.focus();
  }

  /** Functions whose name or file matches, as a count beside the search box. */
  private updateMatchCount(): void {
    const query = this.state.query;
    if (!query) return this.header.setMatchCount(null);
    if (this.state.settings.view === "call-tree") return this.header.setMatchCount(this.callTree.matchCount);
    const functions = this.session.recordCount ? this.bottomUpData().functions : [];
    this.header.setMatchCount(functions.filter((f) => matchesIdentifier(this.infos, f.id, query)).length);
  }
}

async function start(): Promise<void> {
  const root = document.getElementById("app");
  if (!root) return;
  // Load milestones (ms since navigation start) on <html data-*>, read by tests and the benchmark.
  const timings = document.documentElement.dataset;
  timings.scriptStartMs = performance.now().toFixed(1);
  try {
    const payload = JSON.parse(document.getElementById("pyinstrument-data")?.textContent ?? "null") as ReportPayload;
    timings.parsedMs = performance.now().toFixed(1);
    const session = await decodeReport(payload);
    timings.decodedMs = performance.now().toFixed(1);
    new App(root, session, payload);
    document.documentElement.dataset.firstTreeMs = performance.now().toFixed(1);
  } catch (error) {
    root.replaceChildren(
      el("div", { className: "fatal-error" }, [
        el("h1", { text: "This report could not be shown" }),
        el("pre", { text: error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error) }),
      ]),
    );
    throw error;
  }
}

void start();

// The page's settings and search text, with change notification. Settings persist in
// localStorage (per browser, like pyinstrument's page), except the search text.
import type { InitialView } from "../payload.ts";

export type ViewName = InitialView["view"];
export type CollapseMode = InitialView["collapse"];

export interface Settings {
  view: ViewName;
  timeFormat: "seconds" | "percent";
  /** Fraction of the total below which call-tree and flame-graph frames are removed. */
  threshold: number;
  collapse: CollapseMode;
  hideRegex: string;
  showRegex: string;
  /** Module-loader frames (Node's CJS/ESM loaders, Deno's) replaced by their children. */
  removeImportlib: boolean;
  bottomUpSort: "self" | "total";
}

const STORAGE_KEY = "pyinstrument-js:settings";
const PERSISTED: ReadonlyArray<keyof Settings> = ["timeFormat", "removeImportlib", "bottomUpSort"];

export class AppState {
  settings: Settings;
  /** Lower-cased search text; empty when not searching. */
  query = "";
  private readonly listeners = new Set<(changed: ReadonlySet<string>) => void>();

  constructor(initial: InitialView) {
    this.settings = {
      view: initial.view,
      timeFormat: "seconds",
      threshold: initial.threshold,
      collapse: initial.collapse,
      hideRegex: initial.hideRegex,
      showRegex: initial.showRegex,
      removeImportlib: true,
      bottomUpSort: "self",
      ...loadPersisted(),
    };
  }

  /** Calls `listener` with the names of what changed (`query` for the search text). */
  subscribe(listener: (changed: ReadonlySet<string>) => void): void {
    this.listeners.add(listener);
  }

  update(changes: Partial<Settings>): void {
    const changed = new Set<string>();
    for (const [key, value] of Object.entries(changes) as Array<[keyof Settings, Settings[keyof Settings]]>) {
      if (this.settings[key] !== value) {
        (this.settings as unknown as Record<string, unknown>)[key] = value;
        changed.add(key);
      }
    }
    if (!changed.size) return;
    savePersisted(this.settings);
    this.notify(changed);
  }

  setQuery(query: string): void {
    const normalised = query.trim().toLowerCase();
    if (normalised === this.query) return;
    this.query = normalised;
    this.notify(new Set(["query"]));
  }

  private notify(changed: ReadonlySet<string>): void {
    for (const listener of this.listeners) listener(changed);
  }
}

function loadPersisted(): Partial<Settings> {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "{}");
    if (typeof stored !== "object" || stored === null) return {};
    const result: Record<string, unknown> = {};
    for (const key of PERSISTED) {
      const value = (stored as Record<string, unknown>)[key];
      if (value !== undefined) result[key] = value;
    }
    const checked = result as Partial<Settings>;
    if (checked.timeFormat !== undefined && checked.timeFormat !== "seconds" && checked.timeFormat !== "percent") delete checked.timeFormat;
    if (checked.bottomUpSort !== undefined && checked.bottomUpSort !== "self" && checked.bottomUpSort !== "total") delete checked.bottomUpSort;
    if (checked.removeImportlib !== undefined && typeof checked.removeImportlib !== "boolean") delete checked.removeImportlib;
    return checked;
  } catch {
    // Storage can be unavailable (privacy settings, sandboxed frames): defaults then.
    return {};
  }
}

function savePersisted(settings: Settings): void {
  try {
    const stored: Record<string, unknown> = {};
    for (const key of PERSISTED) stored[key] = settings[key];
    localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));
  } catch {
    // not persisted; the page works the same
  }
}

/*
 * Benchmark probe: the first content script of a bench build (`build.py --bench --out DIR`),
 * never part of dist/. It measures the content scripts' own main-thread time from inside
 * their world, where page-side code cannot see (Firefox Xray and Chromium isolated worlds
 * keep their own timers and prototypes):
 *
 * - load: the evaluation of every content script, those of the manifest and those injected
 *   later (the engine, the walkthrough): the build puts `ohneHakenBench.before(file)` at the
 *   start and `ohneHakenBench.after(file)` at the end of every file in content/;
 * - every later entry point into extension code is wrapped and timed: timers, intervals,
 *   animation frames, idle callbacks, observer callbacks, event listeners, extension events
 *   and answers to extension API calls; each to the end of a chain of microtasks behind it,
 *   where the `await`ed continuations it released run. Nested entries count once; page
 *   handlers that an extension click runs synchronously are inside the extension's time.
 *
 * The page talks to it with a `ohne-haken-bench` CustomEvent whose detail is a JSON command;
 * the answer is written as JSON to <html data-ohne-haken-bench> before dispatchEvent returns.
 * It also wraps a few namespace functions to time phases (engine start, panel, tree walks)
 * and to keep main.js's engine and vocabulary for the scan command.
 */
"use strict";

(function () {
  if (globalThis.ohneHakenBench) return;
  const now = performance.now.bind(performance);
  const loadStart = now();
  const FLOOR_SELECTOR = "input[type=checkbox],[role=checkbox],[role=switch]";
  const ANSWER = "data-ohne-haken-bench";
  const MICROTASK_DEPTH = 16; // where an awaited answer's continuations have run
  const api = globalThis.browser ?? globalThis.chrome;

  const slices = []; // [start, duration, kind]
  const counts = {load: 0, timeout: 0, interval: 0, frame: 0, idle: 0, observer: 0, event: 0, api: 0, yield: 0};
  const pending = new Map(); // timer handle -> kind, while it may still fire
  const files = []; // [file, end time] of each content script's evaluation
  const phases = {}; // name -> [calls, ms]: where the time goes (engine start, panel, walks)
  const phased = new Set();
  const walkStarts = []; // where the engine's tree walks started (dom.rootsUnder, walkRoots, deepQueryAll)
  let open = false; // inside a timed entry point (until its microtasks have run)
  let lastEnd = 0; // end of the last timed entry point
  let loadMs = 0; // evaluating content scripts, all told
  let fileStart = null; // evaluation of a content script started here (outside any timed entry)
  let engine = null; // the engine main.js created
  let vocabulary = null;
  let createEngine = null;
  let scanResult = null; // the last scan command's figures, once done

  /** Time `fn` under `name` (nested inside the entry points, not instead of them). */
  function phase(name, fn) {
    const start = now();
    try {
      return fn();
    } finally {
      const entry = phases[name] || (phases[name] = [0, 0]);
      entry[0]++;
      entry[1] += now() - start;
    }
  }

  function record(kind, start, duration) {
    slices.push([start, duration, kind]);
    counts[kind]++;
    lastEnd = Math.max(lastEnd, start + duration);
  }

  /**
   * `fn`, timed as one entry point of `kind`: from its start to the end of a chain of
   * microtasks queued behind it, so that `await`ed continuations it released count too.
   * Entries inside an open one (a listener the extension's own click fires) count once.
   */
  function timed(kind, fn) {
    return function (...args) {
      if (open) return fn.apply(this, args);
      open = true;
      const start = now();
      try {
        return fn.apply(this, args);
      } finally {
        let chain = Promise.resolve();
        for (let i = 0; i < MICROTASK_DEPTH; i++) chain = chain.then(() => {});
        chain.then(() => {
          open = false;
          record(kind, start, now() - start);
        });
      }
    };
  }

  // ---- timers ------------------------------------------------------------------------
  const targets = [globalThis];
  if (typeof window !== "undefined" && window !== globalThis) targets.push(window); // Firefox: the Xray window

  function wrapTimer(name, clearName, kind, repeats) {
    const original = globalThis[name];
    const clear = globalThis[clearName];
    if (typeof original !== "function") return;
    const wrapped = function (callback, ...rest) {
      if (typeof callback !== "function") return original(callback, ...rest);
      let handle = 0;
      const timedCallback = timed(kind, (...args) => {
        if (!repeats) pending.delete(handle);
        return callback(...args);
      });
      handle = original(timedCallback, ...rest);
      pending.set(handle, kind);
      return handle;
    };
    const wrappedClear = function (handle) {
      pending.delete(handle);
      return clear(handle);
    };
    for (const target of targets) {
      target[name] = wrapped;
      target[clearName] = wrappedClear;
    }
  }
  wrapTimer("setTimeout", "clearTimeout", "timeout", false);
  wrapTimer("setInterval", "clearInterval", "interval", true);
  wrapTimer("requestAnimationFrame", "cancelAnimationFrame", "frame", false);
  wrapTimer("requestIdleCallback", "cancelIdleCallback", "idle", false);

  for (const name of ["MutationObserver", "ResizeObserver", "IntersectionObserver"]) {
    const Original = globalThis[name];
    if (typeof Original !== "function") continue;
    const Wrapped = function (callback, options) {
      return new Original(timed("observer", callback), options);
    };
    for (const target of targets) target[name] = Wrapped;
  }

  // ---- event listeners ---------------------------------------------------------------
  const listenerWrappers = new WeakMap();
  const wrapListener = (listener) => {
    if (typeof listener !== "function") return listener;
    if (!listenerWrappers.has(listener)) listenerWrappers.set(listener, timed("event", listener));
    return listenerWrappers.get(listener);
  };
  const addListener = EventTarget.prototype.addEventListener;
  const removeListener = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    return addListener.call(this, type, wrapListener(listener), options);
  };
  EventTarget.prototype.removeEventListener = function (type, listener, options) {
    return removeListener.call(this, type, listenerWrappers.get(listener) || listener, options);
  };

  // ---- scheduler.yield(): the engine's scans in slices go on after it, in a task of their own
  const scheduler = globalThis.scheduler;
  if (typeof scheduler?.yield === "function") {
    const yieldOriginal = scheduler.yield.bind(scheduler);
    // The continuation of `await scheduler.yield()` runs right after this callback, in the
    // microtasks that timed() waits for.
    scheduler.yield = () => yieldOriginal().then(timed("yield", () => {}));
  }

  // ---- the extension API: events and answers ------------------------------------------
  function wrapMethod(owner, name) {
    const original = owner?.[name];
    if (typeof original !== "function") return;
    try {
      owner[name] = function (...args) {
        const result = original.apply(owner, args);
        if (!result || typeof result.then !== "function") return result;
        return result.then(timed("api", (value) => value), timed("api", (error) => {
          throw error;
        }));
      };
    } catch {
      // read-only in this browser: those answers go untimed
    }
  }

  function wrapEvent(event) {
    const original = event?.addListener;
    if (typeof original !== "function") return;
    try {
      event.addListener = (listener) => original.call(event, timed("api", listener));
    } catch {
      // read-only in this browser
    }
  }

  wrapMethod(api?.runtime, "sendMessage");
  for (const name of ["get", "set", "remove"]) wrapMethod(api?.storage?.local, name);
  wrapEvent(api?.storage?.onChanged);
  wrapEvent(api?.runtime?.onMessage);

  // ---- commands from the page --------------------------------------------------------
  function labelText(control) {
    if (control.labels && control.labels.length) return control.labels[0].textContent;
    return control.getAttribute("aria-label") ?? control.textContent;
  }

  function work(since) {
    const byKind = {};
    let total = 0;
    let count = 0;
    let longest = 0;
    for (const [start, duration, kind] of slices) {
      if (start < since) continue;
      byKind[kind] = (byKind[kind] || 0) + duration;
      total += duration;
      longest = Math.max(longest, duration);
      count++;
    }
    return {total, count, byKind, longest};
  }

  const COMMANDS = {
    /** Time in extension code since page time `since`, timers pending, load time, phases. */
    status: ({since = 0}) => ({
      ...work(since), pending: [...pending.values()], load: loadMs,
      loadStart, files, counts: {...counts}, now: now(), lastEnd, phases,
    }),
    /**
     * Tree walks since the last call: how many started, and how many elements lie under their
     * starting points (light DOM; the whole page when a walk started at the document).
     */
    walks: () => {
      const starts = walkStarts.splice(0);
      let elements = 0;
      let documents = 0;
      for (const start of starts) {
        if (start.nodeType === 9) documents++;
        elements += start.getElementsByTagName ? start.getElementsByTagName("*").length + (start.nodeType === 1 ? 1 : 0)
          : start.querySelectorAll("*").length;
      }
      return {count: starts.length, elements, documents};
    },
    /** The floor: a bare query plus each candidate's label text. */
    floor: () => {
      const start = now();
      const controls = document.querySelectorAll(FLOOR_SELECTOR);
      let chars = 0;
      for (const control of controls) chars += (labelText(control) || "").length;
      return {ms: now() - start, found: controls.length, chars};
    },
    /**
     * One cold scan by a fresh engine (find + classify + mark), then its marks are removed. The
     * engine scans in slices (start() returns a promise): the figure is from the call to the end
     * of the last slice, the yields between them included; `scanResult` tells when it is done.
     */
    scan: () => {
      const fresh = createEngine({vocabulary});
      const start = now();
      scanResult = {done: false};
      Promise.resolve(fresh.start()).then(() => {
        const ms = now() - start;
        const snapshot = fresh.snapshot();
        const marked = document.querySelectorAll('[data-ohne-haken="consent"], [data-ohne-haken="objection"]').length;
        fresh.stop();
        scanResult = {done: true, ms, total: snapshot.total, marked};
      }, (error) => {
        scanResult = {done: true, error: String(error)};
      });
      return {started: true};
    },
    scanResult: () => scanResult,
    /** The longest timed entry points since page time `since`: [start, ms, kind], longest first. */
    longest: ({since = 0, count = 5}) => slices.filter(([start]) => start >= since)
      .sort((a, b) => b[1] - a[1]).slice(0, count),
    /** main.js's engine: how many controls, how many still share data. */
    snapshot: () => {
      const s = engine.snapshot();
      return {total: s.total, active: s.active, busy: s.busy};
    },
  };

  function answer(value) {
    document.documentElement.setAttribute(ANSWER, JSON.stringify(value));
  }

  addListener.call(document, "ohne-haken-bench", (event) => {
    let command;
    try {
      command = JSON.parse(String(event.detail));
    } catch {
      return;
    }
    const handler = COMMANDS[command.cmd];
    if (!handler) return answer({error: `unknown command ${command.cmd}`});
    try {
      answer(handler(command));
    } catch (error) {
      answer({error: String(error && error.stack || error)});
    }
  });

  globalThis.ohneHakenBench = {
    /** Called by the build at the start of every content script. */
    before() {
      if (!open && fileStart === null) fileStart = now();
    },
    /** Called by the build at the end of every content script. */
    after(file) {
      files.push([file, now() - loadStart]);
      if (fileStart !== null) {
        const end = now();
        loadMs += end - fileStart;
        const last = slices[slices.length - 1];
        if (last && last[2] === "load" && fileStart - (last[0] + last[1]) < 0.5) {
          last[1] = end - last[0]; // the next file of the same injection: one task
          lastEnd = Math.max(lastEnd, end);
        } else {
          record("load", fileStart, end - fileStart);
        }
        fileStart = null;
      }
      const OH = globalThis.ohneHaken;
      if (OH?.dom && !OH.dom.benchWrapped) {
        OH.dom.benchWrapped = true;
        for (const name of ["walkRoots", "deepQueryAll"]) {
          const original = OH.dom[name];
          OH.dom[name] = (start, ...rest) => {
            walkStarts.push(start);
            return phase(`dom.${name}`, () => original(start, ...rest));
          };
        }
        const rootsUnder = OH.dom.rootsUnder; // a generator (the engine's sliced walks): its start only
        OH.dom.rootsUnder = (start, ...rest) => {
          walkStarts.push(start);
          return rootsUnder(start, ...rest);
        };
      }
      if (OH?.createEngine && !createEngine) {
        createEngine = OH.createEngine;
        OH.createEngine = (options) => {
          const created = phase("createEngine", () => createEngine(options));
          if (!engine) {
            engine = created;
            vocabulary = options.vocabulary;
            const start = created.start;
            created.start = () => phase("engine.start", start);
          }
          return created;
        };
      }
      for (const name of ["createPanel", "createTour"]) {
        if (typeof OH?.[name] === "function" && !phased.has(name)) {
          phased.add(name);
          const original = OH[name];
          OH[name] = (options) => {
            const made = phase(name, () => original(options));
            if (made?.update) {
              const update = made.update;
              made.update = (...args) => phase("panel.update", () => update(...args));
            }
            return made;
          };
        }
      }
    },
  };
})();

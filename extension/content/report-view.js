/*
 * The page report in the panel (issue 16; the report itself: report.js). "Seite melden"
 * ([data-action="page-report"]) makes the report and shows it first, as readable text in
 * [data-role="report"]; then the user chooses: "Kopieren" (clipboard, in the click's user
 * gesture), "Als Datei speichern" (a JSON file through a blob link: no permission needed), and a
 * link to where reports go (ISSUES_URL, the project's issue tracker, named in the README).
 * Making and showing a report sends nothing and stores nothing.
 */
"use strict";

(function () {
  const OH = globalThis.ohneHaken;
  if (OH.createReportView) return;
  const {el} = OH.dom;

  const ISSUES_URL = "https://github.com/ohne-haken/ohne-haken/issues/new";
  const CSS = `
    .report { border-top: 1px solid #dde3ef; margin-top: 8px; padding-top: 6px; }
    .report h3 { font-size: 14px; margin: 0 0 4px; color: #003ca0; }
    .report pre { font: 11px/1.35 ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; overflow-wrap: anywhere;
                  background: #f4f6fb; border: 1px solid #dde3ef; border-radius: 6px; padding: 6px; margin: 4px 0;
                  max-height: 260px; overflow: auto; user-select: text; }
    .report-actions { display: flex; gap: 8px; flex-wrap: wrap; margin: 6px 0; }
    .report .hint { font-size: 12px; color: #44506a; margin: 4px 0; }
    .report a { color: #003ca0; }
    .report textarea { position: fixed; left: -9999px; top: 0; width: 10px; height: 10px; }
    .report-open { font-size: 12px; margin: 4px 0 0 6px; }
  `;

  function kindName(kind) {
    if (kind === "consent") return OH.t("kindConsent");
    if (kind === "objection") return OH.t("kindObjection");
    if (kind === "protected") return OH.t("ownWordsKindProtected");
    return OH.t("reportNotRecognised");
  }

  function describeNode(node) {
    const parts = [node.tag];
    for (const [key, value] of Object.entries(node)) {
      if (["tag", "children", "shadowRoot", "frame", "control"].includes(key)) continue;
      parts.push(value === true ? `[${key}]` : `[${key}=${value}]`);
    }
    return parts.join("");
  }

  /** The report as indented lines a person can read (the JSON follows it when copied). */
  function toText(report, controlsByN = new Map(report.controls.map((control) => [control.n, control]))) {
    const lines = [
      OH.t("reportTitle"),
      `${OH.t("reportPage")}: ${report.page.host}${report.page.path}`,
      `Ohne Haken ${report.extension.version} · ${report.extension.browser}`,
      OH.t("reportCount", [String(report.summary.total), String(report.summary.active), String(report.summary.controls)]),
    ];
    if (report.userTerms.length) {
      lines.push(`${OH.t("ownWordsHeading")}: ${report.userTerms.map((term) => `„${term.phrase}“ (${kindName(term.kind)})`).join(", ")}`);
    }
    if (report.headings.length) lines.push(`${OH.t("reportHeadings")}: ${report.headings.map((h) => `h${h.level} „${h.text}“`).join(" · ")}`);
    if (report.landmarks.length) lines.push(`${OH.t("reportLandmarks")}: ${report.landmarks.map((l) => (l.name ? `${l.role} „${l.name}“` : l.role)).join(" · ")}`);
    const walk = (items, depth) => {
      for (const item of items) {
        const indent = "  ".repeat(depth);
        if (typeof item === "string") {
          lines.push(`${indent}„${item}“`);
          continue;
        }
        let line = `${indent}${describeNode(item)}`;
        const control = controlsByN.get(item.control);
        if (control) {
          line += `  → #${control.n} ${kindName(control.kind)}`;
          if (control.words.length) line += ` (${OH.t("whyLabel", [control.words.join(", ")])}; ${control.source})`;
        }
        lines.push(line);
        if (item.shadowRoot) {
          lines.push(`${indent}  #shadow-root`);
          walk(item.shadowRoot, depth + 2);
        }
        if (item.frame) {
          lines.push(`${indent}  #frame ${item.frame.path}`);
          walk(item.frame.children, depth + 2);
        }
        walk(item.children || [], depth + 1);
      }
    };
    report.regions.forEach((region, index) => {
      lines.push("", OH.t("reportRegion", [String(index + 1)]));
      walk([region], 1);
    });
    return lines.join("\n");
  }

  function createReportView({doc, makeReport, onToggle}) {
    const on = (element, handler) => element.addEventListener("click", (event) => {
      if (!event.isTrusted) return; // the page must not press these
      event.stopPropagation();
      handler(event);
    });
    const button = el(doc, "button", {"data-action": "page-report", class: "report-open", text: OH.t("pageReport")});
    const text = el(doc, "pre", {"data-role": "report", tabindex: "0"});
    const copy = el(doc, "button", {"data-action": "report-copy", class: "primary", text: OH.t("reportCopy")});
    const save = el(doc, "button", {"data-action": "report-save", text: OH.t("reportSave")});
    const close = el(doc, "button", {"data-action": "report-close", text: OH.t("reportClose")});
    const status = el(doc, "p", {"data-role": "report-status", class: "hint", "aria-live": "polite"});
    const link = el(doc, "a", {"data-role": "report-link", href: ISSUES_URL, target: "_blank", rel: "noopener noreferrer", text: OH.t("reportLink")});
    const view = el(doc, "section", {class: "report", "data-role": "report-view", "aria-labelledby": "oh-report-title", hidden: ""}, [
      el(doc, "style", {text: CSS}),
      el(doc, "h3", {id: "oh-report-title", text: OH.t("reportHeading")}),
      el(doc, "p", {class: "hint", text: OH.t("reportIntro")}),
      text,
      el(doc, "div", {class: "report-actions"}, [copy, save, close]),
      status,
      el(doc, "p", {class: "hint"}, [link]),
    ]);
    let report = null;

    function fullText() {
      return `${toText(report)}\n\n\`\`\`json\n${JSON.stringify(report, null, 2)}\n\`\`\`\n`;
    }

    /** Clipboard in the click's user gesture: the Clipboard API where the page is a secure context
     *  (https), else a selected text area and the copy command (plain http pages have no API). */
    async function copyText(value) {
      try {
        if (navigator.clipboard?.writeText) {
          await navigator.clipboard.writeText(value);
          return true;
        }
      } catch {
        // not allowed here: the copy command below
      }
      const area = el(doc, "textarea", {readonly: "", "aria-hidden": "true", tabindex: "-1"});
      area.value = value;
      view.append(area);
      area.select();
      let copied;
      try {
        copied = doc.execCommand("copy");
      } catch {
        copied = false;
      }
      area.remove();
      return copied;
    }

    function saveFile() {
      const blob = new Blob([`${JSON.stringify(report, null, 2)}\n`], {type: "application/json"});
      const url = URL.createObjectURL(blob);
      const day = new Date().toISOString().slice(0, 10);
      const anchor = el(doc, "a", {href: url, download: `ohne-haken-report-${report.page.host}-${day}.json`, hidden: ""});
      view.append(anchor);
      anchor.click();
      anchor.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60000); // the download has its data long before
    }

    async function open() {
      report = await makeReport();
      text.textContent = toText(report);
      status.textContent = "";
      view.hidden = false;
      onToggle();
      text.focus({preventScroll: true});
      view.scrollIntoView?.({block: "nearest"});
    }

    function hide() {
      view.hidden = true;
      report = null;
      text.textContent = "";
      onToggle();
      button.focus();
    }

    on(button, () => open());
    on(close, () => hide());
    on(copy, async () => {
      const copied = await copyText(fullText());
      status.textContent = OH.t(copied ? "reportCopied" : "reportCopyFailed");
    });
    on(save, () => {
      saveFile();
      status.textContent = OH.t("reportSaved");
    });

    return {button, view, open, isOpen: () => !view.hidden};
  }

  OH.createReportView = createReportView;
  OH.reportText = toText;
})();

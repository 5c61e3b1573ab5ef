// The style sheet of HTML reports, inlined into every page: a readable column, system fonts
// only (no downloads), code colours, tables, figures that scale to the column, print-friendly.

enum ReportStyle {
    static let css = """
        :root {
          --text: #1f2328; --muted: #59636e; --rule: #d1d9e0; --code-bg: #f6f8fa;
          --keyword: #cf222e; --string: #0a3069; --number: #0550ae; --comment: #6e7781;
          --error: #b42318; --error-bg: #fef3f2;
        }
        * { box-sizing: border-box; }
        body {
          margin: 0; color: var(--text); background: #ffffff;
          font: 16px/1.55 -apple-system, "Segoe UI", "DejaVu Sans", Helvetica, Arial, sans-serif;
        }
        main { max-width: 980px; margin: 0 auto; padding: 24px 20px 48px; }
        .report-header { color: var(--muted); font-size: 13px; border-bottom: 1px solid var(--rule);
          padding-bottom: 6px; margin-bottom: 16px; display: flex; gap: 12px; flex-wrap: wrap; }
        .report-header .file { font-weight: 600; }
        .report-footer { color: var(--muted); font-size: 12px; margin-top: 40px; border-top: 1px solid var(--rule);
          padding-top: 8px; }
        h1, h2, h3 { line-height: 1.25; margin: 1.2em 0 0.5em; }
        h1 { font-size: 2em; border-bottom: 1px solid var(--rule); padding-bottom: 0.3em; }
        h2 { font-size: 1.45em; }
        .cell { margin: 14px 0; }
        .cell.markdown p { margin: 0.5em 0; }
        code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 13.5px; }
        .markdown code { background: var(--code-bg); padding: 0.1em 0.35em; border-radius: 4px; }
        .markdown pre { background: var(--code-bg); padding: 10px 12px; border-radius: 6px; overflow-x: auto; }
        .markdown pre code { background: none; padding: 0; }
        .cell-label { color: var(--muted); font: 12px/1.4 "DejaVu Sans Mono", monospace; margin-bottom: 2px; }
        pre.source { margin: 0; background: var(--code-bg); border: 1px solid var(--rule); border-left: 3px solid #0969da;
          border-radius: 6px; padding: 10px 12px; overflow-x: auto; }
        .parameters pre.source { border-left-color: #8250df; }
        .k { color: var(--keyword); font-weight: 600; }
        .s { color: var(--string); }
        .n { color: var(--number); }
        .c { color: var(--comment); font-style: italic; }
        .output { margin: 6px 0 0 0; padding-left: 12px; border-left: 3px solid var(--rule); }
        .output pre.text { margin: 4px 0; white-space: pre; overflow-x: auto; line-height: 1.35; }
        .output.error pre.text { color: var(--error); background: var(--error-bg); padding: 6px 8px; border-radius: 4px; }
        .output.stale { opacity: 0.75; }
        .output .note { color: var(--muted); font-size: 12px; font-style: italic; }
        figure.figure { margin: 8px 0; overflow-x: auto; }
        figure.figure svg.figure-svg { max-width: 100%; height: auto; display: block; }
        figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; }
        details.as-text summary { color: var(--muted); font-size: 12px; cursor: pointer; }
        table.data { border-collapse: collapse; font-size: 13px; margin: 4px 0; }
        table.data caption { text-align: left; color: var(--muted); font-size: 12px; padding-bottom: 2px; }
        table.data th, table.data td { border: 1px solid var(--rule); padding: 3px 8px; text-align: left;
          font-family: "DejaVu Sans Mono", Menlo, monospace; white-space: pre; }
        table.data th { background: var(--code-bg); }
        table.data td.num, table.data th.num { text-align: right; }
        .markdown table { border-collapse: collapse; }
        .markdown th, .markdown td { border: 1px solid var(--rule); padding: 3px 8px; }
        pre.raw-html { color: var(--muted); }
        .url, .missing-image { color: var(--muted); font-size: 0.9em; }
        @media print { .output.stale { opacity: 1; } details.as-text { display: none; } main { max-width: none; } }
        """
}

"""Opens reports in headless Chromium at 1280 and 390 px and checks their layout from the DOM.

Usage: layout-check.py SCREENSHOT_DIR REPORT_DIR...

For each report and width: the page, its header, every table box (`.table`), chart (`figure`)
and section must not be wider than its box (scrollWidth <= clientWidth + 1), and no two texts of
one chart (axis labels, bar labels, values) may overlap or be cut by the chart's edge as the
browser laid them out (their bounding boxes). A full-page screenshot of each is written to SCREENSHOT_DIR. Playwright drives
Debian's chromium through `executable_path`: no browser is downloaded. Exit 1 on any finding.
"""
import os
import sys

from playwright.sync_api import sync_playwright

CHECK = """
() => {
  const findings = [];
  const name = (el) => {
    const section = el.closest('section');
    const caption = el.querySelector('caption, title');
    return (section ? '#' + section.id : '') + ' ' + el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className : '')
      + (caption ? ' "' + caption.textContent.trim().slice(0, 50) + '"' : '');
  };
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    findings.push(`the page: ${root.scrollWidth}px of content in ${root.clientWidth}px`);
  }
  for (const el of document.querySelectorAll('header, main, footer, nav, .table, figure, section, .cards')) {
    if (el.scrollWidth > el.clientWidth + 1) {
      findings.push(`${name(el)}: ${el.scrollWidth}px of content in ${el.clientWidth}px`);
    }
  }
  // Every text of a chart (axis labels, bar and column labels, values, titles) inside the
  // chart, and no two of them intersecting, as the browser laid them out.
  for (const svg of document.querySelectorAll('svg')) {
    const title = svg.querySelector('title');
    const texts = Array.from(svg.querySelectorAll('text'))
      .map((t) => ({ text: t.firstChild ? t.firstChild.textContent : '', box: t.getBoundingClientRect() }))
      .filter((t) => t.box.width > 0 && t.box.height > 0);
    const frame = svg.getBoundingClientRect();
    for (const t of texts) {
      if (t.box.left < frame.left - 0.5 || t.box.right > frame.right + 0.5) {
        findings.push(`chart "${title ? title.textContent : '?'}": label "${t.text}" is cut by the chart's edge`);
      }
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i].box, b = texts[j].box;
        const across = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const down = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (across > 0.5 && down > 0.2 * Math.min(a.height, b.height)) {
          findings.push(`chart "${title ? title.textContent : '?'}": labels "${texts[i].text}" and "${texts[j].text}" overlap`);
        }
      }
    }
  }
  return findings;
}
"""


def main():
    shots = sys.argv[1]
    reports = sys.argv[2:]
    os.makedirs(shots, exist_ok=True)
    failures = 0
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                    args=["--no-sandbox"])
        for report in reports:
            for width in (1280, 390):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto("file://" + os.path.abspath(os.path.join(report, "index.html")))
                findings = page.evaluate(CHECK)
                label = f"{os.path.basename(os.path.normpath(report))}-{width}"
                page.screenshot(path=os.path.join(shots, label + ".png"), full_page=True)
                page.close()
                if findings:
                    failures += len(findings)
                    print(f"{label}: {len(findings)} layout finding(s)")
                    for finding in findings[:20]:
                        print("  " + finding)
                else:
                    print(f"{label}: OK")
        browser.close()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

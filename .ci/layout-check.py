"""Opens reports in headless Chromium at 1280 and 390 px and checks their layout from the DOM.

Usage: layout-check.py SCREENSHOT_DIR REPORT_DIR...

For each report and width: every table box (`.table`), chart (`figure`) and section must not be
wider than its box (scrollWidth <= clientWidth + 1), and no two axis labels of one chart
(`text.ux-tick`) may overlap as the browser laid them out (their bounding boxes). A full-page
screenshot of each is written to SCREENSHOT_DIR. Playwright drives Debian's chromium through
`executable_path`: no browser is downloaded. Exit 1 on any finding.
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
  for (const el of document.querySelectorAll('.table, figure, section, .cards')) {
    if (el.scrollWidth > el.clientWidth + 1) {
      findings.push(`${name(el)}: ${el.scrollWidth}px of content in ${el.clientWidth}px`);
    }
  }
  for (const svg of document.querySelectorAll('svg')) {
    const ticks = Array.from(svg.querySelectorAll('text.ux-tick')).map((t) => t.getBoundingClientRect());
    for (let i = 0; i + 1 < ticks.length; i++) {
      const a = ticks[i], b = ticks[i + 1];
      if (a.right > b.left + 0.5 && a.width > 0 && b.width > 0) {
        const title = svg.querySelector('title');
        findings.push(`chart "${title ? title.textContent : '?'}": axis labels ${i} and ${i + 1} overlap (${a.right.toFixed(1)} > ${b.left.toFixed(1)})`);
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

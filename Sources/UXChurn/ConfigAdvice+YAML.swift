import Analysis

extension ConfigAdvice {
    /// A commented `uxchurn.yml`: the fitted `ignore` and `pages`, then the preset's cart and
    /// funnels.
    public func yaml(presetText: String) -> String {
        var out = "# uxchurn configuration fitted to the logs given to `uxchurn init` (preset: \(preset)).\n"
        out += "# Every key is described in the uxchurn README, \"Configuration\". Review the guesses below before relying on them.\n"
        out += "session:\n  timeout: 30m\n  key: [ip, user_agent]\n"
        out += "# Path families requested in bursts right after another page and almost never first in a\n"
        out += "# session behave like assets (images or scripts without an extension): not pages.\n"
        out += "ignore:\n  - '^/api/'\n"
        for rule in ignore {
            out += "  - '\(rule.pattern)'   # \(rule.views) views, \(Int((rule.burstShare * 100).rounded()))% in bursts, "
            out += "\(Int((rule.startShare * 100).rounded()))% session starts\n"
        }
        out += "# The most viewed path families, as page groups (first match wins).\n"
        out += "pages:\n"
        for page in pages {
            out += "  - {name: '\(page.name)', path: '\(page.pattern)'}   # \(page.views) views\n"
        }
        // The preset's cart, funnels, load and churn sections, as written there.
        var keep = false
        for line in presetText.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first != " ", first != "#" {
                keep = line.hasPrefix("cart:") || line.hasPrefix("funnels:") || line.hasPrefix("load:") || line.hasPrefix("churn:")
            }
            if keep { out += line + "\n" }
        }
        return out
    }
}

import Analysis

extension ConfigAdvice {
    /// A commented `uxchurn.yml`: the preset's `ignore` entries and the fitted ones, the fitted
    /// `pages`, then the preset's cart, funnels, load and churn sections.
    public func yaml(presetText: String, presetIgnore: [String]) -> String {
        var out = "# uxchurn configuration fitted to the logs given to `uxchurn init` (preset: \(preset)).\n"
        out += "# Every key is described in the uxchurn README, \"Configuration\". Review the guesses below before relying on them.\n"
        out += "session:\n  timeout: 30m\n  key: [ip, user_agent]\n"
        out += "# Path families fetched right after the page that names them as referrer, and never followed\n"
        out += "# to another page, behave like assets (images or scripts without an extension): not pages.\n"
        out += presetIgnore.isEmpty && ignore.isEmpty ? "ignore: []\n" : "ignore:\n"
        for pattern in presetIgnore { out += "  - \(quoted(pattern))   # the \(preset) preset's\n" }
        for rule in ignore {
            out += "  - \(quoted(rule.pattern))   # \(rule.views) views, \(share(rule.followShare)) right after their referrer page, "
            out += "\(share(rule.burstShare)) in bursts, \(share(rule.startShare)) session starts\n"
        }
        out += "# The most viewed path families, as page groups (first match wins).\n"
        out += pages.isEmpty ? "pages: []\n" : "pages:\n"
        for page in pages {
            out += "  - {name: \(quoted(page.name)), path: \(quoted(page.pattern))}   # \(page.views) views\n"
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

    /// A YAML single-quoted scalar: a quote inside is doubled.
    private func quoted(_ text: String) -> String {
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }

    private func share(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }
}

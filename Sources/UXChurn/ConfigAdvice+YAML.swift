import Analysis
import Sessions

extension ConfigAdvice {
    /// A commented `uxchurn.yml`: the preset's `ignore` entries and the fitted ones, the fitted
    /// `pages`, then the preset's cart, funnels, load and churn sections.
    public func yaml(presetText: String, presetIgnore: [String]) -> String {
        var out = "# uxchurn configuration fitted to the logs given to `uxchurn init` (preset: \(preset)).\n"
        out += "# Every key is described in uxchurn's docs/configuration.md (man uxchurn says where it is installed). Review the guesses below before relying on them.\n"
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
        out += shopYAML(presetText: presetText)
        // The preset's load and churn sections (and its cart and funnels when no shop was
        // recognised), as written there.
        let sections = shop.isRecognised || preset == "generic" ? ["load:", "churn:"] : ["cart:", "funnels:", "load:", "churn:"]
        var keep = false
        for line in presetText.split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first != " ", first != "#" {
                keep = sections.contains { line.hasPrefix($0) }
            }
            if keep { out += line + "\n" }
        }
        return out
    }

    /// The `cart` and `funnels` found in the logs, each matcher with the sessions that reached
    /// it; or a comment saying what was not found.
    private func shopYAML(presetText: String) -> String {
        var out = ""
        let sampled = "of \(shop.sessions) sampled sessions"
        guard shop.isRecognised else {
            out += "# No add-to-cart request and no order confirmation was recognised in the \(shop.sessions) sampled sessions,\n"
            if preset == "generic" {
                out += "# so no cart and no funnel are defined. Add them with your shop's URLs, for example:\n"
                out += "# cart:\n#   add: {method: POST, path: '^/cart/add'}\n#   purchase: {path: '^/order/confirmation/'}\n"
                out += "# funnels:\n#   - name: checkout\n#     steps:\n#       - {name: product, path: '^/product/'}\n"
                out += "#       - {name: add to cart, method: POST, path: '^/cart/add'}\n#       - {name: purchase, path: '^/order/confirmation/'}\n"
            } else {
                out += "# so the cart and funnel below are the \(preset) preset's: check them against your shop's URLs.\n"
            }
            return out
        }
        if let add = shop.cartAdd, let purchase = shop.purchase {
            out += shop.addIsCartView
                ? "# The cart: no add-to-cart request was seen (an add answered with a redirect is no hit), so viewing\n# the cart stands for it; then the order confirmation found in the logs.\n"
                : "# The cart: the add-to-cart request and the order confirmation found in the logs.\n"
            out += "cart:\n"
            out += "  add: \(matcherYAML(add, named: false))   # \(add.sessions) \(sampled) reached it\n"
            out += "  purchase: \(matcherYAML(purchase, named: false))   # \(purchase.sessions) \(sampled) reached it\n"
        } else {
            let missing = shop.cartAdd == nil ? "add-to-cart request" : "order confirmation"
            out += "# No \(missing) was recognised in the sampled sessions, so no cart is defined: add\n"
            out += "# cart: {add: …, purchase: …} with your shop's URLs to see cart abandonment.\n"
        }
        if shop.steps.count >= 2 {
            out += "# The funnel in the order visitors walked it, each step with the sessions that reached it.\n"
            out += "funnels:\n  - name: checkout\n    steps:\n"
            for step in shop.steps {
                out += "      - \(matcherYAML(step, named: true))   # \(step.sessions) \(sampled) reached it\n"
            }
        } else {
            out += "# Too few shop steps were recognised for a funnel: add funnels: with your shop's URLs.\n"
        }
        return out
    }

    /// `{name: 'basket add', method: POST, path: '^/basket/add/', query: '…'}`.
    private func matcherYAML(_ step: ShopStep, named: Bool) -> String {
        var parts: [String] = []
        if named { parts.append("name: \(quoted(step.name))") }
        if let method = step.matcher.method { parts.append("method: \(quoted(method))") }
        parts.append("path: \(quoted(step.matcher.path))")
        if let query = step.matcher.query { parts.append("query: \(quoted(query))") }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    private func quoted(_ text: String) -> String { Self.yamlQuoted(text) }

    /// A YAML single-quoted scalar: a quote inside is doubled.
    public static func yamlQuoted(_ text: String) -> String {
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }

    private func share(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }
}

import LogParsing

/// One headline figure: its value as a number (stored with each night) and how to show it.
public struct HeadlineValue: Sendable {
    /// What the history stores the value under: stable, unlike the label a report shows
    /// (`bounce_rate`, `funnel_conversion:checkout`).
    public var key: String
    public var label: String
    public var value: Double?
    public var isRate: Bool
    /// Whether a rise is good news (conversion) or bad (abandonment).
    public var higherIsBetter: Bool
    /// A matcher the figure depends on matched no hit: the figure is no finding, and has no
    /// value.
    public var unmatched = false
    /// A rate's numerator and denominator (bounces of sessions), for its interval.
    public var count: (k: Int, n: Int)?

    /// A rate's 95% interval.
    public var interval: WilsonInterval? { count.flatMap { WilsonInterval($0.k, $0.n) } }

    /// A rate over fewer than 30 (sessions, entrants, carts): it says little.
    public var few: Bool {
        guard let count, value != nil else { return false }
        return WilsonInterval.isFew(count.n)
    }
}

/// The headline every output shares: `check`, the step summary, the HTML and Markdown reports.
public enum Headline {
    public static func figures(_ result: RunResult) -> [HeadlineValue] {
        let stats = result.results.statistics
        var figures = [
            HeadlineValue(key: "sessions", label: "sessions", value: Double(stats.sessions), isRate: false, higherIsBetter: true),
            HeadlineValue(key: "visitors", label: "visitors", value: Double(result.results.visitorCount), isRate: false,
                          higherIsBetter: true),
            HeadlineValue(key: "bounce_rate", label: "bounce rate", value: stats.bounceRate, isRate: true, higherIsBetter: false,
                          count: (stats.bounces, stats.sessions)),
        ]
        for funnel in stats.funnels {
            let unmatched = !result.unmatched(funnel: funnel.steps.name).isEmpty
            figures.append(HeadlineValue(key: "funnel_conversion:\(funnel.steps.name)", label: "\(funnel.steps.name) conversion",
                                         value: unmatched ? nil : funnel.conversion, isRate: true, higherIsBetter: true,
                                         unmatched: unmatched, count: (funnel.reached.last ?? 0, funnel.reached.first ?? 0)))
        }
        if let cart = stats.cart {
            let unmatched = !result.unmatchedCart.isEmpty
            figures.append(HeadlineValue(key: "cart_abandonment", label: "cart abandonment", value: unmatched ? nil : cart.abandonmentRate,
                                         isRate: true, higherIsBetter: false, unmatched: unmatched, count: (cart.abandoned, cart.sessions)))
        }
        figures.append(HeadlineValue(key: "error_exit_rate", label: "error exit rate", value: stats.errorExitRate, isRate: true,
                                     higherIsBetter: false, count: (stats.errorExits, stats.sessions)))
        figures.append(HeadlineValue(key: "frustrated_session_rate", label: "frustrated sessions", value: stats.frustratedSessionRate,
                                     isRate: true, higherIsBetter: false, count: (stats.frustration.sessions, stats.sessions)))
        return figures
    }

    /// What the headline must say beside its figures: that no shop was recognised in the logs,
    /// and each configured matcher no hit matched, with where to fix it.
    public static func notes(_ result: RunResult) -> [String] {
        var notes: [String] = []
        if result.shopNotRecognised, let fitted = result.fitted {
            let lines = String(fitted.sampledLines).reversed().enumerated()
                .map { index, digit in index > 0 && index % 3 == 0 ? "\(digit)," : "\(digit)" }.reversed().joined()
            let found = fitted.advice.shop.isRecognised
                ? "only part of one was recognised (\([fitted.advice.shop.cartAdd.map { _ in "an add to cart" }, fitted.advice.shop.purchase.map { _ in "an order confirmation" }].compactMap { $0 }.joined(separator: ", ")), too little for a funnel or a cart)"
                : "no add-to-cart request and no order confirmation"
            notes.append("No shop was recognised in these logs: \(found) among the "
                + "\(lines) lines sampled, so there is no funnel and no cart. `uxchurn init` writes a configuration to complete with your shop's URLs.")
        }
        let source = result.settings.configurationSource
        let fix = result.fitted != nil ? "the configuration was fitted to the logs: write it with `uxchurn init` and correct it"
            : source.isEmpty ? "these are the built-in preset's URLs: write a configuration for your shop with `uxchurn init LOGS`"
            : "check it in \(source)"
        let pages = result.unmatched.filter { $0.kind == .pageGroup }
        // One sentence per pattern: a funnel step and the cart often share one.
        var patterns: [String] = []
        var subjects: [String: [String]] = [:]
        for item in result.unmatched where item.kind != .pageGroup {
            if subjects[item.pattern] == nil { patterns.append(item.pattern) }
            subjects[item.pattern, default: []].append(item.subject)
        }
        for pattern in patterns {
            let named = (subjects[pattern] ?? []).joined(separator: " and ")
            notes.append("No hit matched `\(pattern)` (\(named)), so the figures that depend on it are no finding — \(fix).")
        }
        if !pages.isEmpty {
            let list = pages.map { "\($0.name) `\($0.pattern)`" }.joined(separator: ", ")
            notes.append("No page view went to page group\(pages.count == 1 ? "" : "s") \(list) (none matched, or an earlier group took them) — \(fix).")
        }
        return notes
    }

    /// The key under which a night's number of days is stored beside its figures.
    public static let daysKey = "days"

    /// The run's days with sessions (inside `--from`/`--to`, bots and scanners left out):
    /// what counts are divided by to compare runs of different lengths.
    public static func days(_ result: RunResult) -> Int? {
        let count = result.runDays ?? result.days.count
        return count > 0 ? count : nil
    }

    /// The key under which a rate's denominator is stored beside it (`bounce_rate#n`).
    static func denominatorKey(_ key: String) -> String { key + "#n" }

    /// The numbers, by key, as the history keeps them, with the run's days and each rate's
    /// denominator (so that the next night can tell a change from chance).
    public static func numbers(_ figures: [HeadlineValue], days: Int?) -> [String: Double] {
        var numbers: [String: Double] = [:]
        for figure in figures {
            guard let value = figure.value, numbers[figure.key] == nil else { continue }
            numbers[figure.key] = value
            if figure.isRate, let count = figure.count { numbers[denominatorKey(figure.key)] = Double(count.n) }
        }
        if let days { numbers[daysKey] = Double(days) }
        return numbers
    }

    /// Whether a rate's change since the previous night is no finding: both nights' 95%
    /// intervals overlap. false when either denominator is unknown (a night stored before
    /// denominators were kept).
    public static func withinChance(_ figure: HeadlineValue, previous: [String: Double]) -> Bool {
        guard figure.isRate, let now = figure.interval, let rate = previous[figure.key],
              let stored = previous[denominatorKey(figure.key)], stored >= 1, stored <= 1e12, rate >= 0, rate <= 1 else { return false }
        let n = Int(stored)
        guard let then = WilsonInterval(Int((rate * Double(n)).rounded()), n) else { return false }
        return now.overlaps(then)
    }

    /// A figure's change since the previous night, compared like for like: a rate as it is,
    /// a count per day of each run (a night of 5 days against one of 3 is not 67% more
    /// sessions). nil when there is nothing to compare: no earlier night, no value, or a count
    /// of a night stored without its days.
    public static func change(_ figure: HeadlineValue, days: Int?, previous: [String: Double]) -> (now: Double, then: Double)? {
        guard let value = figure.value, let before = previous[figure.key], before.isFinite, before >= 0 else { return nil }
        if figure.isRate { return before <= 1 ? (value, before) : nil }
        guard let days, days > 0, let beforeDays = previous[daysKey], beforeDays >= 1, beforeDays <= 100_000 else { return nil }
        // Distinct visitors do not add up over days: compared only between runs of as many days.
        if figure.key == "visitors", Double(days) != beforeDays { return nil }
        return (value / Double(days), before / beforeDays)
    }

    /// A stored night's numbers by this run's keys. Nights stored by uxchurn 0.5 and earlier
    /// are keyed by label (`bounce rate`): each figure is looked up by key, then by label.
    public static func stored(_ numbers: [String: Double], for figures: [HeadlineValue]) -> [String: Double] {
        var out: [String: Double] = [:]
        for figure in figures {
            if let value = numbers[figure.key] ?? numbers[figure.label] { out[figure.key] = value }
            if let n = numbers[denominatorKey(figure.key)] { out[denominatorKey(figure.key)] = n }
        }
        if let days = numbers[daysKey] { out[daysKey] = days }
        return out
    }
}

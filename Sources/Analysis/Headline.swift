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
}

/// The headline every output shares: `check`, the step summary, the HTML and Markdown reports.
public enum Headline {
    public static func figures(_ result: RunResult) -> [HeadlineValue] {
        let stats = result.results.statistics
        var figures = [
            HeadlineValue(key: "sessions", label: "sessions", value: Double(stats.sessions), isRate: false, higherIsBetter: true),
            HeadlineValue(key: "visitors", label: "visitors", value: Double(result.results.visitorCount), isRate: false,
                          higherIsBetter: true),
            HeadlineValue(key: "bounce_rate", label: "bounce rate", value: stats.bounceRate, isRate: true, higherIsBetter: false),
        ]
        for funnel in stats.funnels {
            figures.append(HeadlineValue(key: "funnel_conversion:\(funnel.steps.name)", label: "\(funnel.steps.name) conversion",
                                         value: funnel.conversion, isRate: true, higherIsBetter: true))
        }
        if let cart = stats.cart {
            figures.append(HeadlineValue(key: "cart_abandonment", label: "cart abandonment", value: cart.abandonmentRate,
                                         isRate: true, higherIsBetter: false))
        }
        figures.append(HeadlineValue(key: "error_exit_rate", label: "error exit rate", value: stats.errorExitRate, isRate: true,
                                     higherIsBetter: false))
        return figures
    }

    /// The numbers, by key, as the history keeps them.
    public static func numbers(_ figures: [HeadlineValue]) -> [String: Double] {
        Dictionary(figures.compactMap { figure in figure.value.map { (figure.key, $0) } }, uniquingKeysWith: { a, _ in a })
    }

    /// A stored night's numbers by this run's keys. Nights stored by uxchurn 0.5 and earlier
    /// are keyed by label (`bounce rate`): each figure is looked up by key, then by label.
    public static func stored(_ numbers: [String: Double], for figures: [HeadlineValue]) -> [String: Double] {
        var out: [String: Double] = [:]
        for figure in figures {
            if let value = numbers[figure.key] ?? numbers[figure.label] { out[figure.key] = value }
        }
        return out
    }
}

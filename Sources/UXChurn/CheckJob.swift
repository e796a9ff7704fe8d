import Analysis
import Reports

/// `uxchurn check` and the headline every output shares.
public enum CheckJob {
    /// The check report of an analysis: headline figures and threshold rows.
    public static func report(_ analysis: Analysis) -> CheckReport {
        let headline = Headline.figures(analysis).map { HeadlineFigure(label: $0.label, value: $0.text) }
        let rows = analysis.thresholds.map { t in
            ThresholdRow(title: t.title, limit: t.limit, value: t.value.map(formatLimit) ?? "no data", ok: t.ok)
        }
        let ingest = analysis.ingest
        let period = [ingest.earliest?.iso8601, ingest.latest?.iso8601].compactMap { $0 }.joined(separator: " – ")
        return CheckReport(headline: headline, thresholds: rows, period: period.isEmpty ? "no hits" : period)
    }

    /// Writes the summary JSON to `path` (`--summary-json`).
    public static func writeSummary(_ analysis: Analysis, to path: String) throws(RunError) {
        do {
            try writeFile(path, Array(SummaryDocument.build(analysis).serialized().utf8))
        } catch {
            throw .input("\(error)")
        }
    }

    /// Writes a text file (JUnit XML), whole.
    public static func write(_ text: String, to path: String) throws(RunError) {
        do {
            try writeFile(path, Array(text.utf8))
        } catch {
            throw .input("\(error)")
        }
    }

    /// Appends to a file (GitHub's step summary).
    public static func append(_ text: String, to path: String) throws(RunError) {
        do {
            let existing = fileExists(path) ? try readTextFile(path) : ""
            try writeFile(path, Array((existing + text).utf8))
        } catch {
            throw .input("\(error)")
        }
    }
}

/// One headline figure: its value as a number (stored with each night) and as text.
public struct HeadlineValue: Sendable {
    public var label: String
    public var value: Double?
    public var isRate: Bool
    /// Whether a rise is good news (conversion) or bad (abandonment).
    public var higherIsBetter: Bool

    public var text: String {
        guard let value else { return "no data" }
        return isRate ? Format.oneDecimal(value * 100) + "%" : Format.count(Int(value))
    }
}

/// The headline every output shares: `check`, the step summary, the HTML and Markdown reports.
public enum Headline {
    public static func figures(_ analysis: Analysis) -> [HeadlineValue] {
        let stats = analysis.results.statistics
        var figures = [
            HeadlineValue(label: "sessions", value: Double(stats.sessions), isRate: false, higherIsBetter: true),
            HeadlineValue(label: "visitors", value: Double(analysis.results.visitorCount), isRate: false, higherIsBetter: true),
            HeadlineValue(label: "bounce rate", value: stats.bounceRate, isRate: true, higherIsBetter: false),
        ]
        for funnel in stats.funnels {
            figures.append(HeadlineValue(label: "\(funnel.steps.name) conversion", value: funnel.conversion, isRate: true, higherIsBetter: true))
        }
        if let cart = stats.cart {
            figures.append(HeadlineValue(label: "cart abandonment", value: cart.abandonmentRate, isRate: true, higherIsBetter: false))
        }
        figures.append(HeadlineValue(label: "error exit rate", value: stats.errorExitRate, isRate: true, higherIsBetter: false))
        return figures
    }

    /// The numbers, by label, as the state keeps them.
    public static func numbers(_ figures: [HeadlineValue]) -> [String: Double] {
        Dictionary(figures.compactMap { figure in figure.value.map { (figure.label, $0) } }, uniquingKeysWith: { a, _ in a })
    }
}

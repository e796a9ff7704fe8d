import Analysis
import Reports

/// `uxchurn check` and the headline every output shares.
public enum CheckJob {
    /// The check report of an analysis: headline figures and threshold rows.
    public static func report(_ analysis: Analysis) -> CheckReport {
        let stats = analysis.hits.statistics
        func percent(_ rate: Double?) -> String {
            rate.map { format1($0 * 100) + "%" } ?? "no data"
        }
        var headline = [
            HeadlineFigure(label: "sessions", value: "\(stats.sessions)"),
            HeadlineFigure(label: "visitors", value: "\(analysis.hits.visitorCount)"),
            HeadlineFigure(label: "bounce rate", value: percent(stats.bounceRate)),
        ]
        for funnel in stats.funnels {
            headline.append(HeadlineFigure(label: "\(funnel.steps.name) conversion",
                                           value: percent(funnel.conversion)))
        }
        if let cart = stats.cart {
            headline.append(HeadlineFigure(label: "cart abandonment", value: percent(cart.abandonmentRate)))
        }
        headline.append(HeadlineFigure(label: "error exit rate", value: percent(stats.errorExitRate)))
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

func format1(_ value: Double) -> String {
    let rounded = (value * 10).rounded() / 10
    return rounded == rounded.rounded() ? String(Int64(rounded)) : String(rounded)
}

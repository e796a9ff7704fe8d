import Analysis
import LogInput
import LogParsing
import JSON

extension HeadlineValue {
    /// The value as the outputs show it: `1,234`, `38.5%`, or `no data`.
    public var text: String {
        if unmatched { return "no match" }
        guard let value else { return "no data" }
        return isRate ? Format.oneDecimal(value * 100) + "%" : Format.count(Int(value))
    }
}

extension CheckReport {
    /// The check report of a run: headline figures and threshold rows.
    public static func make(_ result: RunResult) -> CheckReport {
        let headline = Headline.figures(result).map { HeadlineFigure(label: $0.label, value: $0.text + ($0.few ? " (few)" : "")) }
        let rows = result.thresholds.map { t in
            ThresholdRow(title: t.title, limit: t.limit, value: t.value.map(formatLimit) ?? "no data", ok: t.ok,
                         note: t.unmatched.isEmpty ? nil : "no hit matched " + t.unmatched.map { "\($0.subject) `\($0.pattern)`" }.joined(separator: ", "))
        }
        let ingest = result.ingest
        let period = [ingest.earliest?.iso8601, ingest.latest?.iso8601].compactMap { $0 }.joined(separator: " – ")
        var report = CheckReport(headline: headline, thresholds: rows, period: period.isEmpty ? "no hits" : period)
        report.notes = Headline.notes(result)
        return report
    }
}

/// The files of a report folder: `index.html`, `report.md`, `charts/*.svg`, `summary.json`.
public enum ReportFiles {
    /// - Parameter generator: the program and version the report names.
    /// - Throws: a template that does not render.
    public static func make(_ result: RunResult, templates: ReportTemplates,
                            generator: String) throws(TemplateError) -> [(path: String, bytes: [UInt8])] {
        let view = ReportBuilder.build(result, generator: generator)
        var files: [(path: String, bytes: [UInt8])] = []
        // The HTML page, the longest to render, on a second thread while the rest is made here.
        let page = BackgroundValue { Result { () throws(TemplateError) in try templates.render(view, template: "index.html") } }
        let markdown = Result { () throws(TemplateError) in try templates.render(view, template: "report.md") }
        let html = page.wait()
        // Paths and names come from log lines: a control byte among them is shown as `\x1b`.
        let lines: Set<Unicode.Scalar> = ["\n", "\r", "\t"]  // a template may have CRLF line ends
        files.append(("index.html", Array(Escape.controls(try html.get(), keeping: lines).utf8)))
        files.append(("report.md", Array(Escape.controls(try markdown.get(), keeping: lines).utf8)))
        for chart in view.charts {
            files.append(("charts/\(chart.name).svg", Array(Escape.controls(chart.svg(standalone: true), keeping: lines).utf8)))
        }
        files.append(("summary.json", Array(SummaryDocument.build(result).serialized().utf8)))
        return files
    }
}

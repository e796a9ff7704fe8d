import LogInput

/// One threshold's result, ready to print.
public struct ThresholdRow: Sendable, Equatable {
    public var title: String
    public var limit: String
    /// The measured figure as text, or `no data`.
    public var value: String
    public var ok: Bool
    /// Why the figure is no finding: the matchers it depends on that matched no hit.
    public var note: String?

    public init(title: String, limit: String, value: String, ok: Bool, note: String? = nil) {
        self.title = title
        self.limit = limit
        self.value = value
        self.ok = ok
        self.note = note
    }
}

/// A headline figure: a label and its value as text.
public struct HeadlineFigure: Sendable, Equatable {
    public var label: String
    public var value: String

    public init(label: String, value: String) {
        self.label = label
        self.value = value
    }
}

/// What `uxchurn check` prints and writes: a plain-text table, JUnit XML, and Markdown.
public struct CheckReport: Sendable {
    public var headline: [HeadlineFigure]
    /// What the headline must say beside its figures (`Headline.notes`).
    public var notes: [String] = []
    public var thresholds: [ThresholdRow]
    /// The run's period, for the JUnit timestamp-free suite name and the Markdown heading.
    public var period: String

    public init(headline: [HeadlineFigure], thresholds: [ThresholdRow], period: String) {
        self.headline = headline
        self.thresholds = thresholds
        self.period = period
    }

    public var breaches: Int { thresholds.filter { !$0.ok }.count }

    /// Aligned columns for a terminal.
    public func text() -> String {
        var out = "uxchurn check — \(period)\n"
        for figure in headline { out += "  \(figure.label): \(figure.value)\n" }
        for note in notes { out += "  note: \(note)\n" }
        guard !thresholds.isEmpty else { return out + "\nNo thresholds configured.\n" }
        let titleWidth = max(9, thresholds.map(\.title.count).max() ?? 0)
        let valueWidth = max(5, thresholds.map(\.value.count).max() ?? 0)
        func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
        out += "\n  \(pad("result", 6))  \(pad("threshold", titleWidth))  \(pad("value", valueWidth))  limit\n"
        for row in thresholds {
            out += "  \(pad(row.ok ? "pass" : "FAIL", 6))  \(pad(row.title, titleWidth))  \(pad(row.value, valueWidth))  \(row.limit)\n"
            if let note = row.note { out += "  \(pad("", 6))  \(note)\n" }
        }
        out += "\n\(thresholds.count - breaches) passed, \(breaches) failed\n"
        return out
    }

    /// JUnit XML: one test case per threshold, a `<failure>` for each breach.
    public func junit() -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"uxchurn\" tests=\"\(thresholds.count)\" failures=\"\(breaches)\">\n"
        out += "  <testsuite name=\"uxchurn thresholds\" tests=\"\(thresholds.count)\" failures=\"\(breaches)\" errors=\"0\" skipped=\"0\">\n"
        for row in thresholds {
            out += "    <testcase classname=\"uxchurn.thresholds\" name=\"\(Escape.xml(row.title + " (" + row.limit + ")"))\""
            if row.ok {
                out += "/>\n"
            } else {
                let message = "\(row.title) is \(row.value); limit \(row.limit)" + (row.note.map { ". \($0)" } ?? "")
                out += ">\n      <failure message=\"\(Escape.xml(message))\" type=\"threshold\">\(Escape.xml(message))</failure>\n    </testcase>\n"
            }
        }
        out += "  </testsuite>\n</testsuites>\n"
        return out
    }

    /// The headline and the threshold table in Markdown (GitHub's step summary, pull requests).
    public func markdown() -> String {
        var out = "### uxchurn — \(Escape.markdownCell(period))\n\n"
        out += "| figure | value |\n|---|---|\n"
        for figure in headline { out += "| \(Escape.markdownCell(figure.label)) | \(Escape.markdownCell(figure.value)) |\n" }
        if !notes.isEmpty { out += "\n" + notes.map { "> \(Escape.markdownCell($0))\n" }.joined() }
        if !thresholds.isEmpty {
            out += "\n| result | threshold | value | limit |\n|---|---|---|---|\n"
            for row in thresholds {
                let value = row.value + (row.note.map { " (\($0))" } ?? "")
                out += "| \(row.ok ? "✅ pass" : "❌ fail") | \(Escape.markdownCell(row.title)) | \(Escape.markdownCell(value)) | \(Escape.markdownCell(row.limit)) |\n"
            }
            out += "\n\(thresholds.count - breaches) passed, \(breaches) failed\n"
        }
        return out
    }
}

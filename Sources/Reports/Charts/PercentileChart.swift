/// Load-time percentiles per page group: a band from p50 to p95, a whisker to p99, marks at
/// p50 and p75, on a shared millisecond axis with the Apdex threshold drawn as a reference.
public struct PercentileChart: Sendable {
    public struct Row: Sendable {
        public var label: String
        public var p50: Double
        public var p75: Double
        public var p95: Double
        public var p99: Double

        public init(label: String, p50: Double, p75: Double, p95: Double, p99: Double) {
            self.label = label
            self.p50 = p50
            self.p75 = p75
            self.p95 = p95
            self.p99 = p99
        }
    }

    public var rows: [Row]
    /// Apdex T in milliseconds, drawn as a dashed line.
    public var reference: Double?

    public init(rows: [Row], reference: Double?) {
        self.rows = rows
        self.reference = reference
    }

    public func chart(name: String, title: String) -> Chart {
        let width = 560.0
        let labelWidth = 110.0
        let right = 24.0
        let rowHeight = 26.0
        let top = 30.0
        let plot = width - labelWidth - right
        let maximum = max(rows.map(\.p99).max() ?? 0, reference ?? 0)
        let ticks = ChartLayout.ticks(upTo: maximum)
        let scale = plot / (ticks.last ?? 1)
        func x(_ ms: Double) -> Double { labelWidth + ms * scale }
        let bottom = top + Double(rows.count) * rowHeight
        var svg = SVGWriter()
        // Legend.
        svg.rect(x: labelWidth, y: 6, width: 18, height: 10, class: "ux-soft")
        svg.text("p50–p95", x: labelWidth + 24, y: 15, class: "ux-muted")
        svg.line(x1: labelWidth + 90, y1: 11, x2: labelWidth + 108, y2: 11, class: "ux-whisker")
        svg.text("to p99", x: labelWidth + 114, y: 15, class: "ux-muted")
        svg.circle(x: labelWidth + 170, y: 11, radius: 4, class: "ux-s0")
        svg.text("median", x: labelWidth + 178, y: 15, class: "ux-muted")
        if let reference {
            svg.line(x1: labelWidth + 236, y1: 11, x2: labelWidth + 254, y2: 11, class: "ux-ref")
            svg.text("Apdex T \(Format.milliseconds(reference))", x: labelWidth + 260, y: 15, class: "ux-muted")
        }
        for tick in ticks {
            svg.line(x1: x(tick), y1: top - 4, x2: x(tick), y2: bottom, class: "ux-grid")
            svg.text(Format.milliseconds(tick), x: x(tick), y: bottom + 16, class: "ux-muted", anchor: .middle)
        }
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * rowHeight
            let middle = y + rowHeight / 2
            svg.text(ChartLayout.shorten(row.label, width: labelWidth - 10, bold: true), x: labelWidth - 8, y: middle + 4,
                     class: "ux-strong", anchor: .end, full: row.label)
            svg.line(x1: x(row.p95), y1: middle, x2: x(row.p99), y2: middle, class: "ux-whisker")
            svg.line(x1: x(row.p99), y1: middle - 5, x2: x(row.p99), y2: middle + 5, class: "ux-whisker")
            svg.rect(x: x(row.p50), y: middle - 7, width: x(row.p95) - x(row.p50), height: 14, class: "ux-soft",
                     title: "\(row.label): p50 \(Format.milliseconds(row.p50)), p75 \(Format.milliseconds(row.p75)), p95 \(Format.milliseconds(row.p95)), p99 \(Format.milliseconds(row.p99))")
            svg.line(x1: x(row.p75), y1: middle - 7, x2: x(row.p75), y2: middle + 7, class: "ux-whisker")
            svg.circle(x: x(row.p50), y: middle, radius: 4.5, class: "ux-s0")
        }
        if let reference {
            svg.line(x1: x(reference), y1: top - 4, x2: x(reference), y2: bottom, class: "ux-ref")
        }
        svg.line(x1: labelWidth, y1: bottom, x2: labelWidth + plot, y2: bottom, class: "ux-axis")
        let slowest = rows.max { $0.p95 < $1.p95 }
        let summary = slowest.map { "Load-time percentiles of \(rows.count) page groups; the slowest p95 is \($0.label) at \(Format.milliseconds($0.p95))." }
            ?? "No timed page views."
        return Chart(name: name, title: title, summary: summary, width: Int(width), height: Int(bottom + 26), marks: svg.out)
    }
}

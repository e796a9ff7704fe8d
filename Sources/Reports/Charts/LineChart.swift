import LogParsing

/// One figure over days: a line with a dot per day; days without a value leave a gap, and a
/// day the logs cover only in part is a hollow dot the line does not reach.
public struct LineChart: Sendable {
    public struct Point: Sendable {
        public var label: String
        public var value: Double?
        /// The logs cover only part of the day: its value is not comparable with the others'.
        public var partial = false

        public init(label: String, value: Double?, partial: Bool = false) {
            self.label = label
            self.value = value
            self.partial = partial
        }
    }

    public var points: [Point]
    public var axis: @Sendable (Double) -> String

    public init(points: [Point], axis: @escaping @Sendable (Double) -> String) {
        self.points = points
        self.axis = axis
    }

    public func chart(name: String, title: String) -> Chart {
        let width = 320.0
        let left = 52.0
        let right = 14.0
        let top = 30.0
        let plotHeight = 110.0
        let bottom = top + plotHeight
        let values = points.compactMap(\.value)
        let ticks = ChartLayout.ticks(upTo: values.max() ?? 0, count: 3)
        let scale = plotHeight / (ticks.last ?? 1)
        let step = points.count > 1 ? (width - left - right) / Double(points.count - 1) : 0
        func x(_ index: Int) -> Double { points.count > 1 ? left + Double(index) * step : (left + width - right) / 2 }
        func y(_ value: Double) -> Double { bottom - value * scale }
        var svg = SVGWriter()
        svg.text(ChartLayout.fit(title, width: width - 8, bold: true), x: 4, y: 14, class: "ux-strong", full: title)
        for tick in ticks {
            svg.line(x1: left, y1: y(tick), x2: width - right, y2: y(tick), class: "ux-grid")
            svg.text(axis(tick), x: left - 6, y: y(tick) + 4, class: "ux-muted", anchor: .end)
        }
        svg.line(x1: left, y1: bottom, x2: width - right, y2: bottom, class: "ux-axis")
        var commands = ""
        var drawing = false
        for (index, point) in points.enumerated() {
            guard let value = point.value, !point.partial else { drawing = false; continue }
            commands += (drawing ? "L" : "M") + svg.c(x(index)) + " " + svg.c(y(value))
            drawing = true
        }
        if !commands.isEmpty { svg.path(commands, class: "ux-line") }
        for (index, point) in points.enumerated() {
            if let value = point.value {
                svg.circle(x: x(index), y: y(value), radius: point.partial ? 3.5 : 3, class: point.partial ? "ux-hollow" : "ux-s0",
                           title: "\(point.label)\(point.partial ? " (partial day)" : ""): \(axis(value))")
            }
        }
        // Day labels: ISO dates of one year without it. Over three weeks only Mondays (the
        // points' dates tell), over three months only the 1st of each month, are candidates;
        // then the first, the last, and as many between as fit without their boxes touching.
        var axisLabels = points.map(\.label)
        if let year = axisLabels.first?.prefix(5), year.count == 5, year.hasSuffix("-"),
           axisLabels.allSatisfy({ $0.count == 10 && $0.hasPrefix(year) }) {
            axisLabels = axisLabels.map { String($0.dropFirst(5)) }
        }
        var candidates = Array(points.indices)
        if points.count > 90 {
            candidates = points.indices.filter { points[$0].label.hasSuffix("-01") }
        } else if points.count > 21 {
            candidates = points.indices.filter { CivilDate.parseISO(points[$0].label).map { ($0.daysSinceEpoch + 3) % 7 == 0 } ?? false }
        }
        for index in LabelLayout.nonOverlapping(candidates, count: points.count, x: x, labels: axisLabels, gap: 6) {
            let anchor = LabelLayout.anchor(index, count: points.count)
            svg.text(axisLabels[index], x: x(index), y: bottom + 16, class: "ux-muted ux-tick", anchor: anchor, full: points[index].label,
                     box: LabelLayout.box(axisLabels[index], x: x(index), anchor: anchor))
        }
        let first = points.first { $0.value != nil }
        let last = points.last { $0.value != nil }
        var summary = "\(title) over \(points.count) days"
        if let first, let last, let a = first.value, let b = last.value {
            summary += ": \(axis(a)) on \(first.label)\(first.partial ? " (partial day)" : ""), "
                + "\(axis(b)) on \(last.label)\(last.partial ? " (partial day)" : "")."

        } else {
            summary += "; no values."
        }
        return Chart(name: name, title: title, summary: summary, width: Int(width), height: Int(bottom + 24), marks: svg.out)
    }
}

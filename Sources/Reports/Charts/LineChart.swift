/// One figure over days: a line with a dot per day; days without a value leave a gap.
public struct LineChart: Sendable {
    public struct Point: Sendable {
        public var label: String
        public var value: Double?

        public init(label: String, value: Double?) {
            self.label = label
            self.value = value
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
        svg.text(ChartLayout.fit(title, width: width - 8), x: 4, y: 14, class: "ux-strong", full: title)
        for tick in ticks {
            svg.line(x1: left, y1: y(tick), x2: width - right, y2: y(tick), class: "ux-grid")
            svg.text(axis(tick), x: left - 6, y: y(tick) + 4, class: "ux-muted", anchor: .end)
        }
        svg.line(x1: left, y1: bottom, x2: width - right, y2: bottom, class: "ux-axis")
        var commands = ""
        var drawing = false
        for (index, point) in points.enumerated() {
            guard let value = point.value else { drawing = false; continue }
            commands += (drawing ? "L" : "M") + svg.c(x(index)) + " " + svg.c(y(value))
            drawing = true
        }
        if !commands.isEmpty { svg.path(commands, class: "ux-line") }
        for (index, point) in points.enumerated() {
            if let value = point.value {
                svg.circle(x: x(index), y: y(value), radius: 3, class: "ux-s0", title: "\(point.label): \(axis(value))")
            }
        }
        // Day labels: ISO dates of one year without it; the first, the last, and evenly between
        // so that they do not collide.
        var axisLabels = points.map(\.label)
        if let year = axisLabels.first?.prefix(5), year.count == 5, year.hasSuffix("-"),
           axisLabels.allSatisfy({ $0.count == 10 && $0.hasPrefix(year) }) {
            axisLabels = axisLabels.map { String($0.dropFirst(5)) }
        }
        let labelWidth = Double(axisLabels.map(\.count).max() ?? 1) * ChartLayout.characterWidth + 12
        let room = max(1, Int((width - left - right) / labelWidth))
        let every = max(1, Int((Double(points.count - 1) / Double(room)).rounded(.up)))
        var labelled = Array(stride(from: 0, to: points.count, by: every))
        if let lastLabelled = labelled.last, lastLabelled != points.count - 1 {
            if points.count - 1 - lastLabelled <= every / 2 { labelled.removeLast() }
            labelled.append(points.count - 1)
        }
        for index in labelled {
            let anchor: SVGWriter.Anchor = points.count == 1 ? .middle : index == 0 ? .start : index == points.count - 1 ? .end : .middle
            svg.text(axisLabels[index], x: x(index), y: bottom + 16, class: "ux-muted", anchor: anchor, full: points[index].label)
        }
        let first = points.first { $0.value != nil }
        let last = points.last { $0.value != nil }
        var summary = "\(title) over \(points.count) days"
        if let first, let last, let a = first.value, let b = last.value {
            summary += ": \(axis(a)) on \(first.label), \(axis(b)) on \(last.label)."
        } else {
            summary += "; no values."
        }
        return Chart(name: name, title: title, summary: summary, width: Int(width), height: Int(bottom + 24), marks: svg.out)
    }
}

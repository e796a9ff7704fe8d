/// Horizontal bars, one per labelled row, longest first as given.
public struct BarChart: Sendable {
    public typealias Bar = LabelledValue

    public var bars: [Bar]
    /// Per bar, an interval to draw as an error bar (a rate's 95% interval), or nil.
    public var intervals: [(low: Double, high: Double)?] = []

    public init(bars: [Bar]) {
        self.bars = bars
    }

    /// - Parameters:
    ///   - width: the chart's width; short labels (devices, sources) fit a phone-sized one.
    ///   - labelWidth: the room left of the bars for their labels.
    public func chart(name: String, title: String, summary: String, width: Double = 520, labelWidth: Double = 130) -> Chart {
        let textRoom = 70.0
        let rowHeight = 24.0
        let plot = width - labelWidth - textRoom
        let maximum = max(bars.map(\.value).max() ?? 0, intervals.compactMap { $0?.high }.max() ?? 0)
        var svg = SVGWriter()
        for (index, bar) in bars.enumerated() {
            let y = 6 + Double(index) * rowHeight
            svg.text(ChartLayout.shorten(bar.label, width: labelWidth - 10, bold: true), x: labelWidth - 8, y: y + 15,
                     class: "ux-strong", anchor: .end, full: bar.label)
            let length = maximum > 0 ? plot * bar.value / maximum : 0
            svg.rect(x: labelWidth, y: y + 3, width: length, height: rowHeight - 8, class: "ux-s0", title: "\(bar.label): \(bar.text)")
            var textX = labelWidth + length + 6
            if index < intervals.count, let interval = intervals[index], maximum > 0 {
                // The error bar: a line from low to high across the bar's middle, with short caps;
                // the value after it.
                let low = labelWidth + plot * interval.low / maximum, high = labelWidth + plot * interval.high / maximum
                let middle = y + 3 + (rowHeight - 8) / 2
                svg.line(x1: low, y1: middle, x2: high, y2: middle, class: "ux-whisker")
                svg.line(x1: low, y1: middle - 5, x2: low, y2: middle + 5, class: "ux-whisker")
                svg.line(x1: high, y1: middle - 5, x2: high, y2: middle + 5, class: "ux-whisker")
                textX = max(textX, high + 6)
            }
            svg.text(bar.text, x: textX, y: y + 15, class: "ux-text")
        }
        return Chart(name: name, title: title, summary: summary, width: Int(width),
                     height: Int(12 + Double(bars.count) * rowHeight), marks: svg.out)
    }
}

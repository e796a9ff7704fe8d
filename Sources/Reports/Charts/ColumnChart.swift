/// Vertical columns over categories (a histogram's bins, load-time buckets), each labelled
/// with its value; one column may be marked as the one to look at.
public struct ColumnChart: Sendable {
    public typealias Column = LabelledValue

    public var columns: [Column]
    /// How tick values on the y axis are written.
    public var axis: @Sendable (Double) -> String
    /// The y axis's name.
    public var axisTitle: String
    /// The x axis's name.
    public var categoryTitle: String
    /// The column drawn in the second colour.
    public var highlighted: Int?
    /// Per column, an interval to draw as an error bar (a rate's 95% interval), or nil.
    public var intervals: [(low: Double, high: Double)?] = []

    public init(columns: [Column], axisTitle: String, categoryTitle: String, axis: @escaping @Sendable (Double) -> String) {
        self.columns = columns
        self.axisTitle = axisTitle
        self.categoryTitle = categoryTitle
        self.axis = axis
    }

    public func chart(name: String, title: String, summary: String, width: Int = 520) -> Chart {
        let width = Double(width)
        let left = 56.0
        let right = 12.0
        let top = 26.0
        let plotHeight = 170.0
        let bottom = top + plotHeight
        let highest = max(columns.map(\.value).max() ?? 0, intervals.compactMap { $0?.high }.max() ?? 0)
        let ticks = ChartLayout.ticks(upTo: highest, count: 4)
        let scale = plotHeight / (ticks.last ?? 1)
        let slot = (width - left - right) / Double(max(columns.count, 1))
        var svg = SVGWriter()
        svg.text(axisTitle, x: 4, y: 12, class: "ux-muted")
        if width < 500 { svg.text(ChartLayout.fit(title, width: width - 100, bold: true), x: width - right, y: 12, class: "ux-strong", anchor: .end, full: title) }
        for tick in ticks {
            let y = bottom - tick * scale
            svg.line(x1: left, y1: y, x2: width - right, y2: y, class: "ux-grid")
            svg.text(axis(tick), x: left - 6, y: y + 4, class: "ux-muted", anchor: .end)
        }
        for (index, column) in columns.enumerated() {
            let x = left + Double(index) * slot
            let height = column.value * scale
            let barWidth = min(slot * 0.72, 72)
            let barX = x + (slot - barWidth) / 2
            svg.rect(x: barX, y: bottom - height, width: barWidth, height: height, class: "ux-s\(index == highlighted ? 1 : 0)",
                     title: "\(column.label): \(column.text)")
            var valueY = bottom - height - 5
            if index < intervals.count, let interval = intervals[index] {
                // The error bar: a line from low to high with short caps; the value above it.
                let middle = x + slot / 2, low = bottom - interval.low * scale, high = bottom - interval.high * scale
                svg.line(x1: middle, y1: low, x2: middle, y2: high, class: "ux-whisker")
                svg.line(x1: middle - 5, y1: high, x2: middle + 5, y2: high, class: "ux-whisker")
                svg.line(x1: middle - 5, y1: low, x2: middle + 5, y2: low, class: "ux-whisker")
                valueY = min(valueY, high - 5)
            }
            svg.text(column.text, x: x + slot / 2, y: valueY, class: "ux-text", anchor: .middle)
            svg.text(ChartLayout.shorten(column.label, width: slot - 4), x: x + slot / 2, y: bottom + 16, class: "ux-muted",
                     anchor: .middle, full: column.label)
        }
        svg.line(x1: left, y1: bottom, x2: width - right, y2: bottom, class: "ux-axis")
        svg.text(categoryTitle, x: left + (width - left - right) / 2, y: bottom + 34, class: "ux-muted", anchor: .middle)
        return Chart(name: name, title: title, summary: summary, width: Int(width), height: Int(bottom + 42), marks: svg.out)
    }
}

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
        let ticks = ChartLayout.ticks(upTo: columns.map(\.value).max() ?? 0, count: 4)
        let scale = plotHeight / (ticks.last ?? 1)
        let slot = (width - left - right) / Double(max(columns.count, 1))
        var svg = SVGWriter()
        svg.text(axisTitle, x: 4, y: 12, class: "ux-muted")
        if width < 500 { svg.text(ChartLayout.fit(title, width: width - 100), x: width - right, y: 12, class: "ux-strong", anchor: .end, full: title) }
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
            svg.text(column.text, x: x + slot / 2, y: bottom - height - 5, class: "ux-text", anchor: .middle)
            svg.text(ChartLayout.shorten(column.label, width: slot - 4), x: x + slot / 2, y: bottom + 16, class: "ux-muted",
                     anchor: .middle, full: column.label)
        }
        svg.line(x1: left, y1: bottom, x2: width - right, y2: bottom, class: "ux-axis")
        svg.text(categoryTitle, x: left + (width - left - right) / 2, y: bottom + 34, class: "ux-muted", anchor: .middle)
        return Chart(name: name, title: title, summary: summary, width: Int(width), height: Int(bottom + 42), marks: svg.out)
    }
}

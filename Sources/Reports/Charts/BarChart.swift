/// Horizontal bars, one per labelled row, longest first as given.
public struct BarChart: Sendable {
    public typealias Bar = LabelledValue

    public var bars: [Bar]

    public init(bars: [Bar]) {
        self.bars = bars
    }

    public func chart(name: String, title: String, summary: String) -> Chart {
        let width = 520.0
        let labelWidth = 130.0
        let textRoom = 70.0
        let rowHeight = 24.0
        let plot = width - labelWidth - textRoom
        let maximum = bars.map(\.value).max() ?? 0
        var svg = SVGWriter()
        for (index, bar) in bars.enumerated() {
            let y = 6 + Double(index) * rowHeight
            // Labels are bold (`ux-strong`): about 15% wider than the average character.
            svg.text(ChartLayout.shorten(bar.label, width: (labelWidth - 10) / 1.15), x: labelWidth - 8, y: y + 15,
                     class: "ux-strong", anchor: .end, full: bar.label)
            let length = maximum > 0 ? plot * bar.value / maximum : 0
            svg.rect(x: labelWidth, y: y + 3, width: length, height: rowHeight - 8, class: "ux-s0", title: "\(bar.label): \(bar.text)")
            svg.text(bar.text, x: labelWidth + length + 6, y: y + 15, class: "ux-text")
        }
        return Chart(name: name, title: title, summary: summary, width: Int(width),
                     height: Int(12 + Double(bars.count) * rowHeight), marks: svg.out)
    }
}

/// A cohort grid: one row per cohort, one cell per period after it, shaded by a share in
/// [0, 1] and labelled with it; cells not reached yet are left blank.
public struct Heatmap: Sendable {
    public struct Row: Sendable {
        public var label: String
        /// The cohort's size, printed after the label.
        public var size: Int
        public var cells: [Double?]

        public init(label: String, size: Int, cells: [Double?]) {
            self.label = label
            self.size = size
            self.cells = cells
        }
    }

    public var columns: [String]
    public var rows: [Row]

    public init(columns: [String], rows: [Row]) {
        self.columns = columns
        self.rows = rows
    }

    public func chart(name: String, title: String, summary: String) -> Chart {
        let labelWidth = 150.0
        let cellWidth = 54.0
        let cellHeight = 24.0
        let top = 22.0
        let width = labelWidth + cellWidth * Double(max(columns.count, 1)) + 8
        var svg = SVGWriter()
        for (index, column) in columns.enumerated() {
            svg.text(ChartLayout.fit(column, width: cellWidth - 4), x: labelWidth + (Double(index) + 0.5) * cellWidth, y: 14,
                     class: "ux-muted", anchor: .middle, full: column)
        }
        for (rowIndex, row) in rows.enumerated() {
            let y = top + Double(rowIndex) * cellHeight
            let label = "\(row.label) (\(Format.count(row.size)))"
            svg.text(ChartLayout.shorten(label, width: labelWidth - 10, bold: true), x: labelWidth - 8, y: y + 16, class: "ux-strong",
                     anchor: .end, full: label)
            for (index, cell) in row.cells.enumerated() {
                let x = labelWidth + Double(index) * cellWidth
                guard let cell else { continue }
                svg.rect(x: x + 1, y: y + 1, width: cellWidth - 2, height: cellHeight - 2, class: "ux-empty")
                svg.rect(x: x + 1, y: y + 1, width: cellWidth - 2, height: cellHeight - 2, class: "ux-cell",
                         opacity: 0.08 + 0.92 * min(max(cell, 0), 1), title: "\(row.label), \(columns[index]): \(Format.percent(cell))")
                svg.text(Format.percent(cell), x: x + cellWidth / 2, y: y + 16, class: cell > 0.5 ? "ux-on-bar" : "ux-text", anchor: .middle)
            }
        }
        return Chart(name: name, title: title, summary: summary, width: Int(width),
                     height: Int(top + Double(rows.count) * cellHeight + 6), marks: svg.out)
    }
}

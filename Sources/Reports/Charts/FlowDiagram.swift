/// How sessions move between page groups over their first page views: a column per position
/// (1st page, 2nd page, …), a node per page group sized by its sessions, and bands between
/// consecutive columns, with a "left" node for the sessions that ended there.
public struct FlowDiagram: Sendable {
    /// Sessions that went from `from` at position `position` (0: the entry page) to `to` next,
    /// or left the site (`to == nil`).
    public struct Transition: Sendable {
        public var position: Int
        public var from: String
        public var to: String?
        public var sessions: Int

        public init(position: Int, from: String, to: String?, sessions: Int) {
            self.position = position
            self.from = from
            self.to = to
            self.sessions = sessions
        }
    }

    public static let otherLabel = "other pages"
    public static let leftLabel = "left"

    struct Node {
        var label: String
        var sessions: Int
        var isExit = false
        var y = 0.0
        var height = 0.0
        var outOffset = 0.0
        var inOffset = 0.0
    }

    /// Columns of nodes and the bands between them.
    var columns: [[Node]] = []
    var links: [(column: Int, from: Int, to: Int, sessions: Int)] = []

    /// - Parameters:
    ///   - positions: columns drawn (pages 1…positions).
    ///   - nodesPerColumn: page groups per column; the rest are merged into "other pages".
    public init(transitions: [Transition], positions: Int = 4, nodesPerColumn: Int = 6) {
        guard positions > 1 else { return }
        // Sessions per group and column: the entry column from what leaves it, the others from
        // what arrives.
        var counts = Array(repeating: [String: Int](), count: positions)
        for t in transitions where t.position < positions - 1 {
            if t.position == 0 { counts[0][t.from, default: 0] += t.sessions }
            if let to = t.to { counts[t.position + 1][to, default: 0] += t.sessions }
        }
        var kept: [Set<String>] = []
        for column in counts {
            let ranked = column.sorted { a, b in a.value != b.value ? a.value > b.value : a.key < b.key }
            kept.append(Set(ranked.count > nodesPerColumn ? ranked.prefix(nodesPerColumn - 1).map(\.key) : ranked.map(\.key)))
        }
        func label(_ group: String, _ column: Int) -> String {
            kept[column].contains(group) ? group : Self.otherLabel
        }
        var nodeIndex = Array(repeating: [String: Int](), count: positions)
        columns = Array(repeating: [], count: positions)
        for (index, column) in counts.enumerated() {
            var merged: [String: Int] = [:]
            for (group, sessions) in column { merged[label(group, index), default: 0] += sessions }
            let ordered = merged.sorted { a, b in
                let aOther = a.key == Self.otherLabel, bOther = b.key == Self.otherLabel
                if aOther != bOther { return bOther }
                return a.value != b.value ? a.value > b.value : a.key < b.key
            }
            for (group, sessions) in ordered {
                nodeIndex[index][group] = columns[index].count
                columns[index].append(Node(label: group, sessions: sessions))
            }
        }
        struct LinkKey: Hashable { var column: Int, from: Int, to: Int }
        var merged: [LinkKey: Int] = [:]
        for t in transitions where t.position < positions - 1 {
            let column = t.position + 1
            guard let from = nodeIndex[t.position][label(t.from, t.position)] else { continue }
            let to: Int
            if let next = t.to {
                guard let index = nodeIndex[column][label(next, column)] else { continue }
                to = index
            } else if let index = nodeIndex[column][Self.leftLabel] {
                to = index
            } else {
                to = columns[column].count
                nodeIndex[column][Self.leftLabel] = to
                columns[column].append(Node(label: Self.leftLabel, sessions: 0, isExit: true))
            }
            if t.to == nil { columns[column][to].sessions += t.sessions }
            merged[LinkKey(column: t.position, from: from, to: to), default: 0] += t.sessions
        }
        links = merged.map { (column: $0.key.column, from: $0.key.from, to: $0.key.to, sessions: $0.value) }
        links.sort { a, b in (a.column, a.from, a.to) < (b.column, b.from, b.to) }
    }

    public func chart(name: String, title: String) -> Chart {
        let width = 640.0
        let nodeWidth = 112.0
        let top = 22.0
        let plotHeight = 300.0
        let gap = 8.0
        let minimumHeight = 18.0
        let count = Double(max(columns.count, 1))
        let spacing = count > 1 ? (width - nodeWidth) / (count - 1) : 0
        let total = Double(columns.first?.reduce(0) { $0 + $1.sessions } ?? 0)
        let mostNodes = Double(columns.map(\.count).max() ?? 1)
        let scale = total > 0 ? (plotHeight - gap * (mostNodes - 1) - minimumHeight * mostNodes * 0.5) / total : 0
        var layout = columns
        var bottom = top
        for index in layout.indices {
            var y = top
            for node in layout[index].indices {
                layout[index][node].y = y
                layout[index][node].height = max(minimumHeight, Double(layout[index][node].sessions) * scale)
                y += layout[index][node].height + gap
            }
            bottom = max(bottom, y)
        }
        var svg = SVGWriter()
        for index in layout.indices {
            let ordinal = ["1st", "2nd", "3rd"].count > index ? ["1st", "2nd", "3rd"][index] : "\(index + 1)th"
            svg.text("\(ordinal) page", x: Double(index) * spacing + nodeWidth / 2, y: 12, class: "ux-muted", anchor: .middle)
        }
        for link in links {
            let thickness = Double(link.sessions) * scale
            let x0 = Double(link.column) * spacing + nodeWidth
            let x1 = Double(link.column + 1) * spacing
            let y0 = layout[link.column][link.from].y + layout[link.column][link.from].outOffset
            let y1 = layout[link.column + 1][link.to].y + layout[link.column + 1][link.to].inOffset
            layout[link.column][link.from].outOffset += thickness
            layout[link.column + 1][link.to].inOffset += thickness
            let middle = (x0 + x1) / 2
            let c = svg.c
            let d = "M\(c(x0)) \(c(y0))C\(c(middle)) \(c(y0)) \(c(middle)) \(c(y1)) \(c(x1)) \(c(y1))"
                + "L\(c(x1)) \(c(y1 + thickness))C\(c(middle)) \(c(y1 + thickness)) \(c(middle)) \(c(y0 + thickness)) \(c(x0)) \(c(y0 + thickness))Z"
            let from = layout[link.column][link.from].label
            let to = layout[link.column + 1][link.to]
            svg.path(d, class: to.isExit ? "ux-link-exit" : "ux-link",
                     title: to.isExit ? "\(Format.count(link.sessions)) sessions left after \(from)"
                         : "\(from) → \(to.label): \(Format.count(link.sessions)) sessions")
        }
        for (index, column) in layout.enumerated() {
            let x = Double(index) * spacing
            for node in column {
                let share = total > 0 ? Double(node.sessions) / total : 0
                svg.rect(x: x, y: node.y, width: nodeWidth, height: node.height, class: node.isExit ? "ux-bad" : "ux-s0",
                         title: "\(node.label): \(Format.count(node.sessions)) sessions (\(Format.percent(share)))")
                let text = ChartLayout.shorten("\(node.label) \(Format.count(node.sessions))", width: nodeWidth - 8, bold: true)
                svg.text(text, x: x + 5, y: node.y + min(node.height, 20) / 2 + 4.5, class: "ux-on-bar",
                         full: "\(node.label) \(Format.count(node.sessions))")
            }
        }
        let summary = "How \(Format.count(Int(total))) sessions moved between page groups over their first \(columns.count) page views; red bands are sessions that left."
        return Chart(name: name, title: title, summary: summary, width: Int(width), height: Int(bottom + 4), marks: svg.out)
    }
}

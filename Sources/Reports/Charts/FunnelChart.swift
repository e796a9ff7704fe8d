/// A funnel: one bar per step, as wide as the sessions that reached it, with the drop-off and
/// the median time from the first step written between the bars.
public struct FunnelChart: Sendable {
    public struct Step: Sendable {
        public var name: String
        public var sessions: Int
        /// Median seconds from the first step to this one.
        public var medianSeconds: Int64?

        public init(name: String, sessions: Int, medianSeconds: Int64?) {
            self.name = name
            self.sessions = sessions
            self.medianSeconds = medianSeconds
        }
    }

    public var steps: [Step]

    public init(steps: [Step]) {
        self.steps = steps
    }

    public func chart(name: String, title: String) -> Chart {
        let width = 540.0
        let labelWidth = 120.0
        let barArea = width - labelWidth - 16
        let barHeight = 26.0
        let gap = 22.0
        let start = Double(steps.first?.sessions ?? 0)
        var svg = SVGWriter()
        var y = 8.0
        for (index, step) in steps.enumerated() {
            if index > 0 {
                let previous = steps[index - 1].sessions
                let lost = previous - step.sessions
                var note = "▼ \(Format.count(lost)) left (\(Format.percent(ChartLayout.share(lost, previous))))"
                if let median = step.medianSeconds { note += " · median \(Format.duration(median)) from start" }
                svg.text(note, x: labelWidth, y: y + gap / 2 + 4, class: "ux-muted")
                y += gap
            }
            let share = start > 0 ? Double(step.sessions) / start : 0
            svg.text(ChartLayout.shorten(step.name, width: labelWidth - 10, bold: true), x: labelWidth - 8, y: y + barHeight / 2 + 4,
                     class: "ux-strong", anchor: .end, full: step.name)
            svg.rect(x: labelWidth, y: y, width: barArea, height: barHeight, class: "ux-empty")
            let barWidth = barArea * share
            let value = "\(Format.count(step.sessions)) · \(Format.percent(start > 0 ? share : nil))"
            svg.rect(x: labelWidth, y: y, width: barWidth, height: barHeight, class: "ux-s0",
                     title: "\(step.name): \(Format.count(step.sessions)) sessions, \(Format.percent(start > 0 ? share : nil)) of the first step")
            let textWidth = ChartLayout.textWidth(value, bold: true)
            if barWidth > textWidth + 12 {
                svg.text(value, x: labelWidth + 8, y: y + barHeight / 2 + 4, class: "ux-on-bar")
            } else {
                svg.text(value, x: labelWidth + barWidth + 6, y: y + barHeight / 2 + 4, class: "ux-text")
            }
            y += barHeight
        }
        let first = steps.first.map { "\(Format.count($0.sessions)) sessions reached \($0.name)" } ?? "No steps"
        let last = steps.count > 1 ? "; \(Format.count(steps[steps.count - 1].sessions)) reached \(steps[steps.count - 1].name) (\(Format.percent(ChartLayout.share(steps[steps.count - 1].sessions, steps[0].sessions))))." : "."
        return Chart(name: name, title: title, summary: first + last, width: Int(width), height: Int(y + 8), marks: svg.out)
    }
}

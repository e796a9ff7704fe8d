import LogInput

/// An SVG chart: marks drawn in a fixed coordinate space, a title and a description.
///
/// Charts are plain values made by the chart types of this folder; the same input gives the
/// same bytes. Colours come from CSS classes (`Chart.stylesheet`), so one chart follows the
/// page's light or dark scheme inline and the viewer's when opened as a file.
public struct Chart: Sendable, Equatable {
    /// `name` made safe for a file name and an element id: `funnel-add-to-cart`.
    public static func fileName(_ name: String) -> String { ChartLayout.slug(name) }

    /// Unique within a report: the file name (`charts/NAME.svg`) and the prefix of element ids.
    public var name: String
    public var title: String
    /// What the chart shows, in one or two sentences (the SVG `<desc>`).
    public var summary: String
    public var width: Int
    public var height: Int
    var marks: String

    /// The `<svg>` element. Standalone files carry the stylesheet and a fixed size; inline
    /// charts take the page's styles and scale to their container.
    public func svg(standalone: Bool) -> String {
        let id = "chart-" + name
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ux-chart\" viewBox=\"0 0 \(width) \(height)\""
        // Inline charts keep 4/5 of their size where there is room, and shrink to a phone's width
        // rather than overflow it.
        out += standalone ? " width=\"\(width)\" height=\"\(height)\"" : " style=\"max-width:\(width)px;min-width:min(\(width * 4 / 5)px,100%)\""

        out += " role=\"img\" aria-labelledby=\"\(id)-title \(id)-desc\">\n"
        out += "<title id=\"\(id)-title\">\(Escape.xml(title))</title>\n"
        out += "<desc id=\"\(id)-desc\">\(Escape.xml(summary))</desc>\n"
        if standalone { out += "<style>\(Chart.stylesheet)</style>\n<rect class=\"ux-bg\" width=\"100%\" height=\"100%\"/>\n" }
        out += marks
        out += "</svg>\n"
        return out
    }

    /// The chart palette, light and dark, for standalone files and the HTML report.
    public static let stylesheet = """
    .ux-chart{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:13px}\
    .ux-bg{fill:#ffffff}.ux-text{fill:#1f2933}.ux-muted{fill:#52606d}.ux-strong{fill:#1f2933;font-weight:600}\
    .ux-on-bar{fill:#ffffff;font-weight:600}.ux-grid{stroke:#e4e7eb;stroke-width:1}.ux-axis{stroke:#9aa5b1;stroke-width:1}\
    .ux-s0{fill:#2f6fdf}.ux-s1{fill:#e8833a}.ux-s2{fill:#3b9c6e}.ux-s3{fill:#8e5cd9}.ux-s4{fill:#c9a227}.ux-s5{fill:#7b8794}\
    .ux-soft{fill:#bcd0f7}.ux-bad{fill:#d64550}.ux-line{stroke:#2f6fdf;stroke-width:2;fill:none}\
    .ux-whisker{stroke:#52606d;stroke-width:1.5}.ux-mark{stroke:#ffffff;stroke-width:2}\
    .ux-link{fill:#2f6fdf;fill-opacity:.22}.ux-link-exit{fill:#d64550;fill-opacity:.16}.ux-cell{fill:#2f6fdf}.ux-empty{fill:#f5f7fa}\
    .ux-ref{stroke:#d64550;stroke-width:1;stroke-dasharray:4 3}\
    @media screen and (prefers-color-scheme:dark){.ux-bg{fill:#1b2027}.ux-text{fill:#e4e7eb}.ux-muted{fill:#9aa5b1}\
    .ux-strong{fill:#f5f7fa}.ux-on-bar{fill:#0b1220}.ux-grid{stroke:#323f4b}.ux-axis{stroke:#616e7c}\
    .ux-s0{fill:#6e9ff5}.ux-s1{fill:#f0a064}.ux-s2{fill:#5cc08f}.ux-s3{fill:#b38cf0}.ux-s4{fill:#e0c25a}.ux-s5{fill:#9aa5b1}\
    .ux-soft{fill:#2c4370}.ux-bad{fill:#f07178}.ux-line{stroke:#6e9ff5}.ux-whisker{stroke:#9aa5b1}.ux-mark{stroke:#1b2027}\
    .ux-link{fill:#6e9ff5;fill-opacity:.25}.ux-link-exit{fill:#f07178;fill-opacity:.2}.ux-cell{fill:#6e9ff5}.ux-empty{fill:#242b33}\
    .ux-ref{stroke:#f07178}}
    """
}

/// A bar or a column: its category, its size, and the value as the chart writes it.
public struct LabelledValue: Sendable {
    public var label: String
    public var value: Double
    public var text: String

    public init(label: String, value: Double, text: String) {
        self.label = label
        self.value = value
        self.text = text
    }
}

/// Appends SVG elements; numbers as `Format.coordinate`, text escaped.
struct SVGWriter {
    private(set) var out = ""

    mutating func rect(x: Double, y: Double, width: Double, height: Double, class name: String,
                       opacity: Double? = nil, title: String? = nil) {
        out += "<rect class=\"\(name)\" x=\"\(c(x))\" y=\"\(c(y))\" width=\"\(c(max(width, 0)))\" height=\"\(c(max(height, 0)))\""
        if let opacity { out += " fill-opacity=\"\(c(opacity))\"" }
        if let title {
            out += "><title>\(Escape.xml(title))</title></rect>\n"
        } else {
            out += "/>\n"
        }
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, class name: String) {
        out += "<line class=\"\(name)\" x1=\"\(c(x1))\" y1=\"\(c(y1))\" x2=\"\(c(x2))\" y2=\"\(c(y2))\"/>\n"
    }

    mutating func circle(x: Double, y: Double, radius: Double, class name: String, title: String? = nil) {
        out += "<circle class=\"\(name)\" cx=\"\(c(x))\" cy=\"\(c(y))\" r=\"\(c(radius))\""
        if let title {
            out += "><title>\(Escape.xml(title))</title></circle>\n"
        } else {
            out += "/>\n"
        }
    }

    enum Anchor: String { case start, middle, end }

    /// - Parameter box: an axis label's estimated horizontal extent, written as `data-box`
    ///   so checks can see that no two labels overlap.
    mutating func text(_ content: String, x: Double, y: Double, class name: String = "ux-text",
                       anchor: Anchor = .start, full: String? = nil, box: ClosedRange<Double>? = nil) {
        out += "<text class=\"\(name)\" x=\"\(c(x))\" y=\"\(c(y))\""
        if anchor != .start { out += " text-anchor=\"\(anchor.rawValue)\"" }
        if let box { out += " data-box=\"\(c(box.lowerBound)) \(c(box.upperBound))\"" }
        out += ">\(Escape.xml(content))"
        if let full, full != content { out += "<title>\(Escape.xml(full))</title>" }
        out += "</text>\n"
    }

    /// A path from commands already built with `c`.
    mutating func path(_ commands: String, class name: String, title: String? = nil) {
        out += "<path class=\"\(name)\" d=\"\(commands)\""
        if let title {
            out += "><title>\(Escape.xml(title))</title></path>\n"
        } else {
            out += "/>\n"
        }
    }

    func c(_ value: Double) -> String { Format.coordinate(value) }
}

/// Where axis labels go so that none overlaps another: boxes estimated from the characters'
/// average advance.
enum LabelLayout {
    /// The first and last point's labels lean inwards; the others are centred on their point.
    static func anchor(_ index: Int, count: Int) -> SVGWriter.Anchor {
        count == 1 ? .middle : index == 0 ? .start : index == count - 1 ? .end : .middle
    }

    /// The horizontal extent of `label` drawn at `x` with `anchor`.
    static func box(_ label: String, x: Double, anchor: SVGWriter.Anchor) -> ClosedRange<Double> {
        let width = Double(label.count) * ChartLayout.characterWidth
        switch anchor {
        case .start: return x...(x + width)
        case .middle: return (x - width / 2)...(x + width / 2)
        case .end: return (x - width)...x
        }
    }

    /// Of the `candidates` (point indexes in order), the first and the last point, then each
    /// candidate whose box keeps `gap` pixels from the labels kept before it and from the last.
    static func nonOverlapping(_ candidates: [Int], count: Int, x: (Int) -> Double, labels: [String], gap: Double) -> [Int] {
        guard count > 0 else { return [] }
        func boxOf(_ index: Int) -> ClosedRange<Double> { box(labels[index], x: x(index), anchor: anchor(index, count: count)) }
        let lastBox = boxOf(count - 1)
        var kept = [0]
        var previous = boxOf(0)
        for index in candidates where index > 0 && index < count - 1 {
            let candidate = boxOf(index)
            if candidate.lowerBound >= previous.upperBound + gap, candidate.upperBound + gap <= lastBox.lowerBound {
                kept.append(index)
                previous = candidate
            }
        }
        if count > 1, lastBox.lowerBound >= previous.upperBound + gap { kept.append(count - 1) }
        return kept
    }
}

/// Layout helpers the chart types share.
enum ChartLayout {
    /// Average advance of a 13px sans-serif character, for fitting labels.
    static let characterWidth = 7.2

    /// A label shortened in the middle to `width` pixels (`/m/product/{i…}/یخچال-12`,
    /// `other pa… 2,134`): its start and its end, which tell paths and counts apart, stay.
    static func shorten(_ label: String, width: Double) -> String {
        let most = max(1, Int(width / characterWidth))
        guard label.count > most else { return label }
        let kept = max(1, most - 1)
        let head = (kept + 1) / 2
        return String(label.prefix(head)) + "…" + String(label.suffix(kept - head))
    }

    /// A label cut to `width` pixels, with an ellipsis when cut.
    static func fit(_ label: String, width: Double) -> String {
        let most = max(1, Int(width / characterWidth))
        guard label.count > most else { return label }
        return String(label.prefix(max(1, most - 1))) + "…"
    }

    /// A name for files and ids: lower-case letters, digits and single dashes.
    static func slug(_ text: String) -> String {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                out.unicodeScalars.append(scalar)
            } else if !out.isEmpty && !out.hasSuffix("-") {
                out += "-"
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "x" : out
    }

    /// a / b, nil when b is zero.
    static func share(_ a: Int, _ b: Int) -> Double? {
        b == 0 ? nil : Double(a) / Double(b)
    }

    /// Round tick values from 0 to at least `maximum`: steps of 1, 2 or 5 × 10ⁿ, about `count`.
    static func ticks(upTo maximum: Double, count: Int = 5) -> [Double] {
        guard maximum > 0, maximum.isFinite else { return [0, 1] }
        let rough = maximum / Double(max(count, 1))
        var magnitude = 1.0
        while magnitude * 10 <= rough { magnitude *= 10 }
        while magnitude > rough { magnitude /= 10 }
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? magnitude * 10
        var ticks: [Double] = [0]
        while ticks.last! < maximum - step * 1e-9 { ticks.append(Double(ticks.count) * step) }
        return ticks
    }
}

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
    .ux-hollow{fill:#ffffff;stroke:#2f6fdf;stroke-width:1.5}\
    .ux-link{fill:#2f6fdf;fill-opacity:.22}.ux-link-exit{fill:#d64550;fill-opacity:.16}.ux-cell{fill:#2f6fdf}.ux-empty{fill:#f5f7fa}\
    .ux-ref{stroke:#d64550;stroke-width:1;stroke-dasharray:4 3}\
    @media screen and (prefers-color-scheme:dark){.ux-bg{fill:#1b2027}.ux-text{fill:#e4e7eb}.ux-muted{fill:#9aa5b1}\
    .ux-strong{fill:#f5f7fa}.ux-on-bar{fill:#0b1220}.ux-grid{stroke:#323f4b}.ux-axis{stroke:#616e7c}\
    .ux-s0{fill:#6e9ff5}.ux-s1{fill:#f0a064}.ux-s2{fill:#5cc08f}.ux-s3{fill:#b38cf0}.ux-s4{fill:#e0c25a}.ux-s5{fill:#9aa5b1}\
    .ux-soft{fill:#2c4370}.ux-bad{fill:#f07178}.ux-line{stroke:#6e9ff5}.ux-whisker{stroke:#9aa5b1}.ux-mark{stroke:#1b2027}\
    .ux-hollow{fill:#1b2027;stroke:#6e9ff5}\
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
        let width = ChartLayout.textWidth(label)
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
    /// The charts' font size in pixels.
    static let fontSize = 13.0

    /// Advances of the printable ASCII characters (space to `~`) in em, as DejaVu Sans draws
    /// them: the widest of the usual sans-serif fonts (and Linux's default), so a label that
    /// fits by this estimate fits in Segoe UI, Roboto or Helvetica too.
    private static let asciiAdvance: [Double] = [
        0.318, 0.401, 0.460, 0.838, 0.636, 0.950, 0.780, 0.275, 0.390, 0.390, 0.500, 0.838, 0.318, 0.361, 0.318, 0.337,
        0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838, 0.531,
        1.000, 0.684, 0.686, 0.698, 0.770, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787,
        0.603, 0.787, 0.695, 0.635, 0.611, 0.732, 0.684, 0.989, 0.685, 0.611, 0.685, 0.390, 0.337, 0.390, 0.838, 0.500,
        0.500, 0.613, 0.635, 0.550, 0.635, 0.615, 0.352, 0.635, 0.634, 0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612,
        0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525, 0.636, 0.337, 0.636, 0.838,
    ]

    /// A character's advance in em: ASCII from the table, other scripts by their usual width.
    private static func advance(_ scalar: Unicode.Scalar) -> Double {
        let value = scalar.value
        switch value {
        case 0x20...0x7E: return asciiAdvance[Int(value - 0x20)]
        case 0x300...0x36F, 0x610...0x61A, 0x64B...0x65F, 0x670, 0x6D6...0x6ED, 0x200B...0x200F: return 0  // marks, joiners
        case 0x2026, 0x2014: return 1.0  // … —
        case 0x1100...0x11FF, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60: return 1.0
        case 0x600...0x6FF, 0x750...0x77F, 0xFB50...0xFDFF, 0xFE70...0xFEFF: return 0.7  // Arabic and Persian letters (س and ش are the widest)
        case 0x400...0x4FF: return 0.8  // Cyrillic (ж, ш, щ, ю are wider than Latin letters)
        default: return 0.7
        }
    }

    /// A character's advance in pixels at the charts' font size. Bold (`ux-strong`,
    /// `ux-on-bar`) widens every letter by 15%, and narrow ones (i, l, t, f) by more.
    private static func pixels(_ character: Character, bold: Bool) -> Double {
        var ems = 0.0
        for scalar in character.unicodeScalars { ems += advance(scalar) }
        if bold, ems > 0 { ems = max(ems * 1.15, ems + 0.08) }
        return ems * fontSize
    }

    /// The width in pixels of `text` at the charts' font size.
    static func textWidth(_ text: String, bold: Bool = false) -> Double {
        text.reduce(0) { $0 + pixels($1, bold: bold) }
    }

    /// A label shortened in the middle to `width` pixels (`/m/product/{i…}/یخچال-12`,
    /// `other pa… 2,134`): its start and its end, which tell paths and counts apart, stay.
    static func shorten(_ label: String, width: Double, bold: Bool = false) -> String {
        let characters = Array(label)
        let widths = characters.map { pixels($0, bold: bold) }
        guard !characters.isEmpty, widths.reduce(0, +) > width else { return label }
        let ellipsis = pixels("…", bold: bold)
        // Characters are taken from the start and the end in turn (the start first) while
        // they fit with the ellipsis.
        var head = 0, tail = 0
        var used = ellipsis
        while head + tail < characters.count {
            let next = head <= tail ? head : characters.count - 1 - tail
            guard used + widths[next] <= width else { break }
            used += widths[next]
            if head <= tail { head += 1 } else { tail += 1 }
        }
        return String(characters[..<max(head, 1)]) + "…" + String(characters[(characters.count - tail)...])
    }

    /// A label cut to `width` pixels, with an ellipsis when cut.
    static func fit(_ label: String, width: Double, bold: Bool = false) -> String {
        let characters = Array(label)
        let widths = characters.map { pixels($0, bold: bold) }
        guard !characters.isEmpty, widths.reduce(0, +) > width else { return label }
        var used = pixels("…", bold: bold)
        var kept = 0
        while kept < characters.count, used + widths[kept] <= width {
            used += widths[kept]
            kept += 1
        }
        return String(characters[..<max(kept, 1)]) + "…"
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

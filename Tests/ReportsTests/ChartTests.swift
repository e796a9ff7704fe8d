import Foundation
import Testing
@testable import Reports
import Analysis
import LogInput
import LogParsing

/// Compares `text` with `golden/NAME`; `UXCHURN_UPDATE_GOLDEN=1 swift test` rewrites the files
/// (then read the diff before committing them).
func expectGolden(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("golden")
    let file = folder.appendingPathComponent(name)
    if ProcessInfo.processInfo.environment["UXCHURN_UPDATE_GOLDEN"] == "1" {
        try Data(text.utf8).write(to: file)
        return
    }
    let expected = try String(contentsOf: file, encoding: .utf8)
    #expect(text == expected, "\(name) differs from its golden file; UXCHURN_UPDATE_GOLDEN=1 rewrites it", sourceLocation: sourceLocation)
}

@Suite struct ChartTests {
    static let funnel = FunnelChart(steps: [
        .init(name: "product", sessions: 1200, medianSeconds: nil),
        .init(name: "add to cart", sessions: 480, medianSeconds: 95),
        .init(name: "checkout", sessions: 300, medianSeconds: 260),
        .init(name: "purchase", sessions: 120, medianSeconds: 612),
    ]).chart(name: "funnel-checkout", title: "Funnel checkout")

    @Test func funnelGolden() throws {
        try expectGolden(Self.funnel.svg(standalone: true), "funnel.svg")
    }

    @Test func funnelShowsDropOffAndTimeToConvert() {
        let svg = Self.funnel.svg(standalone: false)
        #expect(svg.contains("▼ 720 left (60%) · median 1 min 35 s from start"))
        #expect(svg.contains("120 · 10%"))
        #expect(svg.contains("<title id=\"chart-funnel-checkout-title\">Funnel checkout</title>"))
        #expect(svg.contains("<desc id=\"chart-funnel-checkout-desc\">1,200 sessions reached product; 120 reached purchase (10%).</desc>"))
    }

    @Test func percentilesGolden() throws {
        let chart = PercentileChart(rows: [
            .init(label: "home", p50: 210, p75: 280, p95: 410, p99: 1600),
            .init(label: "product", p50: 580, p75: 730, p95: 2570, p99: 4230),
            .init(label: "checkout", p50: 1230, p75: 1610, p95: 2150, p99: 9740),
        ], reference: 500).chart(name: "load", title: "Load time per page group")
        try expectGolden(chart.svg(standalone: true), "percentiles.svg")
        #expect(chart.summary == "Load-time percentiles of 3 page groups; the slowest p95 is product at 2.57 s.")
    }

    @Test func columnsGolden() throws {
        var columns = ColumnChart(columns: [
            .init(label: "< 1", value: 0.267, text: "26.7%"), .init(label: "1–2.5", value: 0.345, text: "34.5%"),
            .init(label: "2.5–4", value: 0.5, text: "50%"), .init(label: "≥ 4", value: 0.833, text: "83.3%"),
        ], axisTitle: "exit rate", categoryTitle: "page load time (s)") { Format.percent($0) }
        columns.highlighted = 3
        try expectGolden(columns.chart(name: "exits", title: "Exit rate by load time", summary: "Slow pages lose visitors.").svg(standalone: true), "columns.svg")
    }

    @Test func lineGolden() throws {
        let line = LineChart(points: [
            .init(label: "2026-03-02", value: 61), .init(label: "2026-03-03", value: nil),
            .init(label: "2026-03-04", value: 74), .init(label: "2026-03-05", value: 70),
        ]) { Format.count(Int($0)) }
        let chart = line.chart(name: "sessions", title: "Sessions per day")
        try expectGolden(chart.svg(standalone: true), "line.svg")
        // A day without a value breaks the line: two segments.
        #expect(chart.svg(standalone: false).contains("d=\"M52 "))
        #expect(chart.summary == "Sessions per day over 4 days: 61 on 2026-03-02, 70 on 2026-03-05.")
    }

    @Test func barsGolden() throws {
        let bars = BarChart(bars: [.init(label: "checkout", value: 23, text: "23"), .init(label: "cart", value: 18, text: "18")])
        try expectGolden(bars.chart(name: "left", title: "Where carts were left", summary: "Most at checkout.").svg(standalone: true), "bars.svg")
    }

    @Test func heatmapGolden() throws {
        let heatmap = Heatmap(columns: ["week 0", "week 1", "week 2"], rows: [
            .init(label: "2026-03-02", size: 120, cells: [1, 0.25, 0.125]),
            .init(label: "2026-03-09", size: 95, cells: [1, 0.3, nil]),
        ])
        try expectGolden(heatmap.chart(name: "cohorts", title: "Cohort retention", summary: "Returning visitors by first week.").svg(standalone: true), "heatmap.svg")
    }

    @Test func flowGolden() throws {
        let flow = FlowDiagram(transitions: [
            .init(position: 0, from: "home", to: "product", sessions: 40),
            .init(position: 0, from: "home", to: nil, sessions: 10),
            .init(position: 0, from: "product", to: "cart", sessions: 20),
            .init(position: 0, from: "product", to: nil, sessions: 30),
            .init(position: 1, from: "product", to: "cart", sessions: 15),
            .init(position: 1, from: "product", to: nil, sessions: 25),
            .init(position: 1, from: "cart", to: "checkout", sessions: 12),
            .init(position: 1, from: "cart", to: nil, sessions: 8),
        ], positions: 3)
        let chart = flow.chart(name: "flow", title: "Flow")
        try expectGolden(chart.svg(standalone: true), "flow.svg")
        #expect(chart.svg(standalone: false).contains("<title>home → product: 40 sessions</title>"))
        #expect(chart.svg(standalone: false).contains("<title>25 sessions left after product</title>"))
    }

    @Test func flowMergesGroupsBeyondTheTopOnes() {
        let transitions = (0..<9).map { FlowDiagram.Transition(position: 0, from: "g\($0)", to: nil, sessions: 10 + $0) }
        let flow = FlowDiagram(transitions: transitions, positions: 2, nodesPerColumn: 4)
        #expect(flow.columns[0].map(\.label) == ["g8", "g7", "g6", FlowDiagram.otherLabel])
        #expect(flow.columns[0][3].sessions == 10 + 11 + 12 + 13 + 14 + 15)
        #expect(flow.columns[1].map(\.label) == [FlowDiagram.leftLabel])
    }

    @Test func sameInputSameBytes() {
        #expect(Self.funnel.svg(standalone: true) == FunnelChart(steps: [
            .init(name: "product", sessions: 1200, medianSeconds: nil),
            .init(name: "add to cart", sessions: 480, medianSeconds: 95),
            .init(name: "checkout", sessions: 300, medianSeconds: 260),
            .init(name: "purchase", sessions: 120, medianSeconds: 612),
        ]).chart(name: "funnel-checkout", title: "Funnel checkout").svg(standalone: true))
    }

    @Test func labelsFromLogsAreEscaped() {
        let hostile = "\"><script>alert(1)</script>"
        let chart = BarChart(bars: [.init(label: hostile, value: 1, text: "1")]).chart(name: "x", title: hostile, summary: hostile)
        let svg = chart.svg(standalone: true)
        #expect(!svg.contains("<script>"))
        #expect(svg.contains("&lt;script&gt;"))
    }

    @Test func niceTicks() {
        #expect(ChartLayout.ticks(upTo: 9740) == [0, 2000, 4000, 6000, 8000, 10000])
        #expect(ChartLayout.ticks(upTo: 0.833, count: 4) == [0, 0.25, 0.5, 0.75, 1])
        #expect(ChartLayout.ticks(upTo: 159, count: 4) == [0, 50, 100, 150, 200])
        #expect(ChartLayout.ticks(upTo: 0) == [0, 1])
        #expect(ChartLayout.ticks(upTo: 3) == [0, 1, 2, 3])
    }

    @Test func slugs() {
        #expect(Chart.fileName("Add to cart!") == "add-to-cart")
        #expect(Chart.fileName("../../etc/passwd") == "etc-passwd")
        #expect(Chart.fileName("¿") == "x")
    }
}

@Suite struct FormatTests {
    @Test func numbers() {
        #expect(Format.count(1_234_567) == "1,234,567")
        #expect(Format.count(-1200) == "-1,200")
        #expect(Format.count(999) == "999")
        #expect(Format.percent(0.1234) == "12.3%")
        #expect(Format.percent(0.0002) == "< 0.1%")
        #expect(Format.percent(0) == "0%")
        #expect(Format.percent(nil) == "–")
        #expect(Format.milliseconds(840.4) == "840 ms")
        #expect(Format.milliseconds(1250) == "1.25 s")
        #expect(Format.milliseconds(12_440) == "12.4 s")
        #expect(Format.duration(45) == "45 s")
        #expect(Format.duration(200) == "3 min 20 s")
        #expect(Format.duration(7500) == "2 h 5 min")
        #expect(Format.points(-0.004) == "−0.4 pt")
        #expect(Format.relative(0.12) == "+12%")
    }
}

@Suite struct UncertaintyAndDisplayTests {
    @Test func wilsonIntervalsAsDefined() throws {
        // The golden-wild shop's slowest bucket: 9 exits of 66 views.
        let slow = try #require(WilsonInterval(9, 66))
        #expect(abs(slow.low - 0.073433) < 5e-7 && abs(slow.high - 0.239296) < 5e-7)
        #expect(WilsonInterval(0, 0) == nil)
        let none = try #require(WilsonInterval(0, 10))
        #expect(none.low == 0 && none.high > 0.27 && none.high < 0.28)
        #expect(Format.interval(slow) == "7.3–23.9%")
        let common = try #require(WilsonInterval(25, 620)), rare = try #require(WilsonInterval(0, 7))
        #expect(Format.interval(common) == "2.7–5.9%")
        #expect(Format.interval(rare) == "0.0–35.4%")
        #expect(Format.few(29) && !Format.few(30) && !Format.few(0))
        #expect(slow.overlaps(try #require(WilsonInterval(20, 66))))
        #expect(!slow.overlaps(try #require(WilsonInterval(50, 66))))
    }

    /// Two segments are compared in words only when their intervals are apart; the chart draws
    /// each segment's interval as an error bar.
    @Test func segmentsAreComparedOnlyBeyondChance() {
        func segment(_ converted: Int, of sessions: Int) -> FunnelSegment {
            var s = FunnelSegment()
            s.sessions = sessions
            s.converted = converted
            return s
        }
        // desktop 30/200 (10.7–20.6%), mobile 10/300 (1.8–6.0%), tablet 2/20 (2.8–30.1%).
        let apart = ReportBuilder.segmentInsight([("desktop", segment(30, of: 200)), ("mobile", segment(10, of: 300)),
                                                  ("tablet", segment(2, of: 20))], kind: "device")
        #expect(apart == "Sessions from desktop converted more often than from mobile: 15% (10.7–20.6%) against 3.3% (1.8–6.0%).")
        let close = ReportBuilder.segmentInsight([("direct", segment(5, of: 40)), ("search", segment(3, of: 50))], kind: "source")
        #expect(close == "No traffic source's conversion stands apart: every two traffic sources' 95% intervals overlap.")
        var chart = BarChart(bars: [LabelledValue(label: "desktop", value: 0.15, text: "15%"), LabelledValue(label: "mobile", value: 0.033, text: "3.3%")])
        chart.intervals = [(0.107, 0.206), (0.018, 0.060)]
        let marks = chart.chart(name: "t", title: "t", summary: "t").marks
        // Three whisker lines a bar; the widest high (20.6%) spans the plot (320 px from x = 130).
        #expect(marks.components(separatedBy: "ux-whisker").count - 1 == 6)
        #expect(marks.contains("x2=\"450\""))
    }

    @Test func pathsAreDecodedForReadingWhenTheyAreText() {
        #expect(Format.display("/m/product/%DB%8C%D8%AE%DA%86%D8%A7%D9%84") == "/m/product/یخچال")
        #expect(Format.display("/search?q=caf%C3%A9") == "/search?q=café")
        // Not UTF-8, a control byte, or an escaped slash: as written.
        #expect(Format.display("/x/%FF%FE") == "/x/%FF%FE")
        #expect(Format.display("/a%0Ab") == "/a%0Ab")
        #expect(Format.display("/a%2Fb/%25") == "/a%2Fb/%25")
        #expect(Format.display("/plain") == "/plain")
        // A character that reverses or hides text: the path as written.
        #expect(Format.display("/p/%E2%80%AEfdp.exe") == "/p/%E2%80%AEfdp.exe")
        #expect(Format.display("/p/%E2%80%8Bx") == "/p/%E2%80%8Bx")
        // A joiner inside a Persian word stays; a configured name is not a path.
        #expect(Format.display("/%D9%86%D9%82%D8%B1%D9%87%E2%80%8C%D8%A7%DB%8C") == "/نقره\u{200C}ای")
        #expect(Format.display("Sale %50") == "Sale %50")
    }

    @Test func codeSpansBecomeCodeInHTML() {
        #expect(Escape.htmlWithCode("add `%D` to <LogFormat>") == "add <code>%D</code> to &lt;LogFormat&gt;")
        #expect(Escape.htmlWithCode("one ` alone") == "one ` alone")
        #expect(Escape.htmlWithCode("`a` and `b") == "<code>a</code> and `b")
    }
}

@Suite struct AxisLabelTests {
    /// The `data-box` extents of a chart's axis labels.
    static func boxes(_ svg: String) -> [(Double, Double)] {
        svg.components(separatedBy: "data-box=\"").dropFirst().compactMap { part in
            let numbers = part.prefix { $0 != "\"" }.split(separator: " ").compactMap { Double($0) }
            return numbers.count == 2 ? (numbers[0], numbers[1]) : nil
        }
    }

    @Test(arguments: [2, 6, 7, 37, 40, 120, 400])
    func dayLabelsNeverOverlap(days: Int) throws {
        let first = CivilDate(year: 2026, month: 1, day: 20).daysSinceEpoch
        let points = (0..<days).map { LineChart.Point(label: CivilDate(daysSinceEpoch: first + Int64($0)).description, value: Double($0 % 5)) }
        let svg = LineChart(points: points) { Format.count(Int($0)) }.chart(name: "t", title: "t").marks
        let boxes = Self.boxes(svg)
        #expect(boxes.count >= min(days, 2))
        for (a, b) in zip(boxes, boxes.dropFirst()) {
            #expect(a.1 + 6 <= b.0, "labels \(a) and \(b) overlap over \(days) days")
        }
        // Long ranges label weeks (Mondays) or months, besides the first and last day.
        if days > 21 && days <= 90 {
            #expect(svg.contains(">02-02<"))  // 2026-02-02 is a Monday
            #expect(!svg.contains(">01-21<"))
        }
    }

    @Test func missingDaysAreGapsNotZeros() {
        let points = [LineChart.Point(label: "2026-03-02", value: 10), LineChart.Point(label: "2026-03-03", value: nil),
                      LineChart.Point(label: "2026-03-04", value: 12)]
        let svg = LineChart(points: points) { Format.count(Int($0)) }.chart(name: "t", title: "t").marks
        // Two separate moves, no line through the missing day.
        #expect(svg.components(separatedBy: "M").count - 1 >= 2)
        #expect(!svg.contains("L"))
    }
}

@Suite struct LabelShorteningTests {
    @Test func longLabelsKeepTheirStartAndEnd() {
        let label = "other pages 2,134"
        let short = ChartLayout.shorten(label, width: 80)
        #expect(short == "other…,134")
        #expect(ChartLayout.textWidth(short) <= 80)
        #expect(ChartLayout.shorten("cart 12", width: 100) == "cart 12")
        #expect(ChartLayout.fit("Conversion (checkout) per day", width: 100) == "Conversion (…")
    }

    /// Widths as Chromium lays out DejaVu Sans at 13px (measured): the estimate is within a
    /// few pixels, and bold is not narrower than drawn.
    @Test func textWidthsFollowTheFont() {
        #expect(abs(ChartLayout.textWidth("checkout payment") - 120.9) < 2)
        #expect(abs(ChartLayout.textWidth("2026-03-05") - 75.6) < 2)
        #expect(ChartLayout.textWidth("checkout payment", bold: true) >= 134.7)
        #expect(ChartLayout.textWidth("…") == 13)
        // Persian letters, with a zero-width non-joiner that takes no room.
        #expect(ChartLayout.textWidth("یخچالفریزرلباسشویی") >= 115 && ChartLayout.textWidth("یخچالفریزرلباسشویی") < 170)
        #expect(ChartLayout.textWidth("سشویی", bold: true) >= 52.2)
        #expect(ChartLayout.textWidth("نقره\u{200C}ای") == ChartLayout.textWidth("نقرهای"))
    }

    /// A shortened bold label fits the room it is shortened to, whatever its script.
    @Test func shortenedLabelsFitTheirRoom() {
        for label in ["order confirmation", "checkout payment", "/m/category/12/یخچال-فریزر-ساید-بای-ساید", "WWWWWWWWWWWWWWWWWW",
                      "iiiiiiiiiiiiiiiiiiiiiiii", "Щука и жаба в шалаше"] {
            for width in [40.0, 80, 120] {
                let short = ChartLayout.shorten(label, width: width, bold: true)
                #expect(ChartLayout.textWidth(short, bold: true) <= width, "\(label) at \(width): \(short)")
                let fits = ChartLayout.textWidth(label, bold: true) <= width
                #expect(short.first == label.first && (short == label) == fits)
                let cut = ChartLayout.fit(label, width: width, bold: true)
                #expect(ChartLayout.textWidth(cut, bold: true) <= width && (cut == label) == fits)
            }
        }
        // Too narrow for anything: the first character and the ellipsis; an empty label stays.
        #expect(ChartLayout.shorten("checkout", width: 5) == "c…")
        #expect(ChartLayout.shorten("", width: -5) == "" && ChartLayout.fit("", width: -5) == "")
        // Bold narrow letters, as DejaVu Sans Bold draws them (measured: "little" 34.8 px, "Щука и жаба в шалаше" 182 px).
        #expect(ChartLayout.textWidth("little", bold: true) >= 34.8)
        #expect(ChartLayout.textWidth("Щука и жаба в шалаше", bold: true) >= 182)
    }
}

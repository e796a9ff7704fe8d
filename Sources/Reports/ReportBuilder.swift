import Analysis
import LogParsing
import Sessions
import Foundation

/// Turns an analysis into the report's view model: figures as text, charts drawn.
public enum ReportBuilder {
    /// Rows in the entry, exit and path tables.
    static let topRows = 10
    /// Load-time histograms drawn (the most viewed configured groups).
    static let histograms = 4

    public static func build(_ analysis: RunResult, generator: String) -> ReportView {
        let stats = analysis.results.statistics
        let site = analysis.siteHost
        var view = ReportView()
        view.generator = generator
        view.site = site
        view.title = site.map { "UX churn report · \($0)" } ?? "UX churn report"
        view.period = period(analysis.ingest)
        let check = CheckReport.make(analysis)
        let days = Headline.days(analysis)
        view.headline = Headline.figures(analysis).map { figure in
            var view = FigureView(label: figure.label, value: figure.text)
            if figure.value != nil, let interval = figure.interval {
                view.interval = Format.interval(interval)
                view.few = figure.few
            }
            if let previous = analysis.previousHeadline, let (value, before) = Headline.change(figure, days: days, previous: previous) {
                let delta = value - before
                view.change = figure.isRate ? Format.points(delta) : (before > 0 ? Format.relative(delta / before) + " per day" : nil)
                let shown = figure.isRate ? (delta * 1000).rounded() : (before > 0 ? (delta / before * 1000).rounded() : 0)
                view.trend = shown == 0 ? "same" : (shown > 0) == figure.higherIsBetter ? "good" : "bad"
                // A rate that moved less than chance allows is not news, good or bad.
                if shown != 0, Headline.withinChance(figure, previous: previous) {
                    view.trend = "same"
                    view.withinChance = true
                }
            }
            return view
        }
        if let previous = analysis.previousHeadline, view.headline.contains(where: { $0.change != nil }) {
            let span = { (count: Int) in count == 1 ? "1 day" : "\(count) days" }
            if let before = previous[Headline.daysKey].flatMap({ Int(exactly: $0) }), let days {
                view.comparison = "Changes are against the previous night stored: rates as they are, counts as a daily average "
                    + "(this run \(span(days)), the previous \(span(before)); visitors only between runs of as many days)."
            } else {
                view.comparison = "Changes are against the previous night stored: rates only (that night's days were not stored, so counts are not compared)."
            }
        }
        view.notices = check.notes
        if analysis.ingest.parsed == 0 {
            view.notices.insert(analysis.ingest.lines == 0
                ? "The inputs hold no log lines: this report has no figures."
                : "None of the \(Format.count(analysis.ingest.lines)) lines parsed as \(analysis.ingest.format): this report has no figures.", at: 0)
        }
        if !check.thresholds.isEmpty {
            var thresholds = ThresholdsView()
            thresholds.rows = check.thresholds
            thresholds.failed = check.breaches
            thresholds.passed = check.thresholds.count - check.breaches
            thresholds.allPassed = check.breaches == 0
            view.thresholds = thresholds
        }
        var charts: [Chart] = []
        var names: Set<String> = []
        func place(_ chart: Chart) -> ChartView {
            var chart = chart
            // Names come from funnel and group names: made file-safe, and unique.
            let base = Chart.fileName(chart.name)
            chart.name = base
            var number = 2
            while names.contains(chart.name) {
                chart.name = "\(base)-\(number)"
                number += 1
            }
            names.insert(chart.name)
            charts.append(chart)
            return ChartView(chart)
        }
        for (index, funnel) in stats.funnels.enumerated() {
            view.funnels.append(funnelView(analysis, funnel, index: index, site: site, place: place))
        }
        view.frustration = frustrationView(analysis, place: place)
        if let cart = stats.cart { view.cart = cartView(analysis, cart, place: place) }
        let rows = SummaryDocument.pageRows(analysis)
        view.load = loadView(analysis, rows: rows, place: place)
        view.leaving = leavingView(stats, place: place)
        if view.load == nil, stats.pageViews > 0 {
            view.missingTiming = "No page view has a response time: the log format (\(analysis.ingest.format)) writes none, or wrote "
                + "none for these page views. So there are no load times, Apdex or exits by load time. To get them, log the "
                + "response time: `%D` at the end of Apache's LogFormat (the `combined-timed` preset), `$request_time` at the "
                + "end of nginx's log_format (`nginx-timed`), or the `time-taken` field in IIS's W3C logging."
        }
        view.errors.errorExits = Format.count(stats.errorExits)
        view.errors.errorExitRate = Format.percent(stats.errorExitRate)
        view.errors.deadEnds = Format.count(stats.deadEndExits)
        view.errors.sessions = Format.count(stats.sessions)
        view.pages = rows.map { row in
            var page = PageRow()
            page.group = Format.display(row.name)
            page.views = Format.count(row.stats.views)
            page.entries = Format.count(row.stats.entries)
            page.exits = Format.count(row.stats.exits)
            page.exitRate = Format.percent(row.stats.exitRate)
            page.errorRate = Format.percent(row.stats.errorRate)
            page.exitInterval = Format.interval(WilsonInterval(row.stats.exits, row.stats.views))
            page.errorInterval = Format.interval(WilsonInterval(row.stats.errorViews, row.stats.views))
            page.few = Format.few(row.stats.views)
            page.medianOnPage = Format.duration(row.stats.secondsOnPage.percentile(50))
            page.p95 = Format.milliseconds(row.stats.loadTimes.percentileMilliseconds(95))
            return page
        }
        view.topPages = Array(view.pages.prefix(12))
        let unmatchedPages = analysis.unmatched.filter { $0.kind == .pageGroup }
        if !unmatchedPages.isEmpty {
            view.pagesNotice = "No page view went to the configured page group\(unmatchedPages.count == 1 ? "" : "s") "
                + unmatchedPages.map { "\($0.name) `\($0.pattern)`" }.joined(separator: ", ") + " (none matched, or an earlier group took them)."
        }
        view.entryPages = rows.filter { $0.stats.entries > 0 }
            .sorted { a, b in a.stats.entries != b.stats.entries ? a.stats.entries > b.stats.entries : a.name < b.name }
            .prefix(topRows).map { shareRow($0.name, $0.stats.entries, of: stats.sessions) }
        view.exitPages = rows.filter { $0.stats.exits > 0 }
            .sorted { a, b in a.stats.exits != b.stats.exits ? a.stats.exits > b.stats.exits : a.name < b.name }
            .prefix(topRows).map { row in
                var share = shareRow(row.name, row.stats.exits, of: stats.sessions)
                share.share = Format.percent(row.stats.exitRate)
                share.interval = Format.interval(WilsonInterval(row.stats.exits, row.stats.views))
                share.few = Format.few(row.stats.views)
                return share
            }
        view.paths = pathRows(analysis)
        if !stats.transitions.isEmpty {
            let names = groupName(analysis)
            let transitions = stats.transitions.map { key, sessions in
                FlowDiagram.Transition(position: Int(key.position), from: names(key.from),
                                       to: key.to == PagePath.exit ? nil : names(key.to), sessions: sessions)
            }
            view.flow = place(FlowDiagram(transitions: transitions).chart(name: "flow", title: "How sessions move between page groups"))
        }
        view.trends = trendsView(analysis, place: place)
        view.retention = retentionView(analysis, place: place)
        view.quality = qualityView(analysis, place: place)
        view.charts = charts
        return view
    }

    /// `2026-03-02 00:00:03 – 2026-03-04 23:59:58 (UTC−05:00)`.
    static func period(_ ingest: IngestResult) -> String {
        guard let from = ingest.earliest, let to = ingest.latest else { return "no hits" }
        func local(_ t: LogTimestamp) -> (String, String) {
            let text = t.iso8601
            let offset = text.suffix(6)
            let offsetText = offset == "+00:00" ? "UTC" : "UTC" + offset.replacingOccurrences(of: "-", with: "−")
            return (text.dropLast(6).replacingOccurrences(of: "T", with: " "), offsetText)
        }
        let (a, offsetA) = local(from)
        let (b, offsetB) = local(to)
        return offsetA == offsetB ? "\(a) – \(b) (\(offsetA))" : "\(a) (\(offsetA)) – \(b) (\(offsetB))"
    }

    static func shareRow(_ group: String, _ count: Int, of total: Int) -> PageShareRow {
        var row = PageShareRow()
        row.group = Format.display(group)
        row.count = Format.count(count)
        row.share = Format.percent(ratio(count, total))
        return row
    }

    /// A page group's name by id, `other pages` for the untracked ones.
    static func groupName(_ analysis: RunResult) -> (Int32) -> String {
        let names = analysis.results.groupNames
        return { id in id >= 0 && Int(id) < names.count ? Format.display(names[Int(id)]) : FlowDiagram.otherLabel }
    }

    static func funnelView(_ analysis: RunResult, _ funnel: FunnelStatistics, index: Int, site: String?,
                           place: (Chart) -> ChartView) -> FunnelView {
        var view = FunnelView()
        view.name = funnel.steps.name
        view.anchor = "funnel-\(index + 1)"
        view.conversion = Format.percent(funnel.conversion)
        view.conversionInterval = Format.interval(funnel.conversionInterval)
        view.few = Format.few(funnel.reached.first ?? 0)
        let medians = funnel.secondsFromStart.map { $0.percentile(50) }
        view.steps = funnel.steps.stepNames.enumerated().map { k, name in
            var row = FunnelStepRow()
            row.name = name
            row.sessions = Format.count(funnel.reached[k])
            row.fromPrevious = Format.percent(funnel.conversionFromPrevious(k))
            row.fromStart = Format.percent(funnel.conversionFromStart(k))
            row.lost = k == 0 ? "–" : Format.count(funnel.reached[k - 1] - funnel.reached[k])
            row.medianTime = k == 0 ? "–" : Format.duration(medians[k])
            return row
        }
        let steps = funnel.steps.stepNames.enumerated().map { k, name in
            FunnelChart.Step(name: name, sessions: funnel.reached[k], medianSeconds: k == 0 ? nil : medians[k])
        }
        // No session reached the first step: bars of zeros say nothing (the notice or the
        // insight says why).
        if (funnel.reached.first ?? 0) > 0 {
            view.chart = place(FunnelChart(steps: steps).chart(name: "funnel-\(funnel.steps.name)", title: "Funnel \(funnel.steps.name): sessions per step"))
        }
        // The step that loses the largest share of the sessions reaching it is "the biggest
        // drop" only when its 95% interval lies above every other step's: with few sessions,
        // any step could be it.
        let losses = (1..<max(funnel.reached.count, 1)).compactMap { k -> (k: Int, lost: Int, interval: WilsonInterval)? in
            let lost = funnel.reached[k - 1] - funnel.reached[k]
            return WilsonInterval(lost, funnel.reached[k - 1]).map { (k, lost, $0) }
        }
        if let worst = losses.max(by: { a, b in
            let (x, y) = (ratio(a.lost, funnel.reached[a.k - 1]) ?? 0, ratio(b.lost, funnel.reached[b.k - 1]) ?? 0)
            return x != y ? x < y : a.k > b.k
        }), worst.lost > 0 {
            let k = worst.k
            let standsOut = losses.allSatisfy { $0.k == k || worst.interval.low > $0.interval.high }
            let lost = "\(Format.count(worst.lost)) of \(Format.count(funnel.reached[k - 1])) sessions (\(Format.percent(ratio(worst.lost, funnel.reached[k - 1]))))"
            if standsOut {
                view.insight = "The biggest drop is from \(funnel.steps.stepNames[k - 1]) to \(funnel.steps.stepNames[k]): \(lost) did not go on."
            } else {
                view.insight = "No step stands out: the largest share was lost from \(funnel.steps.stepNames[k - 1]) to "
                    + "\(funnel.steps.stepNames[k]), \(lost), but another step's 95% interval overlaps this one "
                    + "(\(Format.interval(worst.interval)))."
            }
        } else if funnel.reached.first == 0 {
            view.insight = "No session reached the first step."
        }
        let unmatched = analysis.unmatched(funnel: funnel.steps.name)
        if !unmatched.isEmpty {
            let steps = unmatched.map { "\($0.name) `\($0.pattern)`" }.joined(separator: ", ")
            view.notice = "No hit matched step\(unmatched.count == 1 ? "" : "s") \(steps): the figures below say nothing about visitors until the funnel names your shop's URLs."
            view.conversion = "no match"
            view.insight = ""
        }
        func segment(_ name: String, _ s: FunnelSegment) -> SegmentRow {
            var row = SegmentRow()
            row.name = name
            row.sessions = Format.count(s.sessions)
            row.conversion = Format.percent(s.conversion)
            row.interval = Format.interval(WilsonInterval(s.converted, s.sessions))
            row.few = Format.few(s.sessions)
            return row
        }
        let devices = Device.allCases.compactMap { device in funnel.byDevice[device].map { (device.rawValue, $0) } }
        let sourceSegments = SummaryDocument.sources(analysis, funnel, site: site)
        let sources = TrafficSource.allCases.compactMap { source in sourceSegments[source].map { (source.rawValue, $0) } }
        view.devices = devices.map(segment)
        view.sources = sources.map(segment)
        guard view.notice == nil else { return view }
        for (kind, segments) in [("device", devices), ("source", sources)] where segments.count > 1 {
            var chart = BarChart(bars: segments.map { name, s in LabelledValue(label: name, value: s.conversion ?? 0, text: Format.percent(s.conversion)) })
            chart.intervals = segments.map { _, s in WilsonInterval(s.converted, s.sessions).map { ($0.low, $0.high) } }
            let placed = place(chart.chart(name: "funnel-\(funnel.steps.name)-by-\(kind)",
                                           title: "Funnel \(funnel.steps.name): conversion by \(kind == "source" ? "traffic source" : kind)",
                                           summary: "Each bar is the conversion of the sessions from one \(kind == "source" ? "traffic source" : kind), "
                                               + "the line across it its 95% interval.", width: 360, labelWidth: 80))
            let insight = segmentInsight(segments, kind: kind)
            if kind == "device" {
                view.deviceChart = placed
                view.deviceInsight = insight
            } else {
                view.sourceChart = placed
                view.sourceInsight = insight
            }
        }
        return view
    }

    /// What the segments' conversions say: the two furthest apart whose 95% intervals do not
    /// overlap ("desktop sessions converted more often than mobile ones"), or that no two differ
    /// by their intervals.
    static func segmentInsight(_ segments: [(name: String, segment: FunnelSegment)], kind: String) -> String {
        let rated = segments.compactMap { name, s in
            s.conversion.flatMap { rate in WilsonInterval(s.converted, s.sessions).map { (name: name, rate: rate, interval: $0) } }
        }
        var best: (high: Int, low: Int)?
        for i in rated.indices {
            for j in rated.indices where rated[i].interval.low > rated[j].interval.high {
                if let found = best, rated[found.high].rate - rated[found.low].rate >= rated[i].rate - rated[j].rate { continue }
                best = (i, j)
            }
        }
        let plural = kind == "source" ? "traffic sources" : "devices"
        guard let best else {
            return "No \(kind == "source" ? "traffic source" : kind)'s conversion stands apart: "
                + "every two \(plural)' 95% intervals overlap."
        }
        let (high, low) = (rated[best.high], rated[best.low])
        return "Sessions from \(high.name) converted more often than from \(low.name): \(Format.percent(high.rate)) "
            + "(\(Format.interval(high.interval))) against \(Format.percent(low.rate)) (\(Format.interval(low.interval)))."
    }

    static func cartView(_ analysis: RunResult, _ cart: CartStatistics, place: (Chart) -> ChartView) -> CartView {
        var view = CartView()
        view.sessions = Format.count(cart.sessions)
        view.abandoned = Format.count(cart.abandoned)
        view.rate = Format.percent(cart.abandonmentRate)
        view.interval = Format.interval(cart.abandonmentInterval)
        view.few = Format.few(cart.sessions)
        let unmatched = analysis.unmatchedCart
        if !unmatched.isEmpty {
            let names = unmatched.map { "\($0.name) `\($0.pattern)`" }.joined(separator: " and ")
            view.notice = "No hit matched the cart's \(names): abandonment here is no finding until the cart names your shop's URLs."
            view.rate = "no match"
        }
        view.hasCarts = cart.sessions > 0 && unmatched.isEmpty
        if unmatched.isEmpty, cart.sessions == 0 {
            view.emptyNote = "No session added to the cart in this period: there is no abandonment to show."
        } else if unmatched.isEmpty, cart.abandoned == 0 {
            view.emptyNote = "Every session that added to the cart bought: no cart was left."
        }
        let leftAt = SummaryDocument.cartLeftAt(analysis, cart)
        view.leftAt = leftAt.map { shareRow($0.name, $0.sessions, of: cart.abandoned) }
        if !leftAt.isEmpty {
            let bars = leftAt.prefix(topRows).map { BarChart.Bar(label: Format.display($0.name), value: Double($0.sessions), text: Format.count($0.sessions)) }
            let top = leftAt[0]
            view.chart = place(BarChart(bars: bars).chart(
                name: "cart-left-at", title: "Where abandoned carts were left",
                summary: "\(Format.count(cart.abandoned)) abandoned cart sessions by their last page; most ended at \(Format.display(top.name)) (\(Format.count(top.sessions)))."))
        }
        return view
    }

    static func loadView(_ analysis: RunResult, rows: [SummaryDocument.PageRow], place: (Chart) -> ChartView) -> LoadView? {
        let timed = rows.filter { $0.stats.loadTimes.count > 0 }
        guard !timed.isEmpty else { return nil }
        var view = LoadView()
        let apdex = analysis.settings.apdexThresholdMilliseconds
        view.apdexThreshold = Format.milliseconds(apdex)
        view.rows = timed.map { row in
            let load = row.stats.loadTimes
            var out = LoadRow()
            out.group = Format.display(row.name)
            out.views = Format.count(load.count)
            out.p50 = Format.milliseconds(load.percentileMilliseconds(50))
            out.p75 = Format.milliseconds(load.percentileMilliseconds(75))
            out.p95 = Format.milliseconds(load.percentileMilliseconds(95))
            out.p99 = Format.milliseconds(load.percentileMilliseconds(99))
            out.apdex = load.apdex.map { Format.twoDecimals($0) } ?? "–"
            return out
        }
        let charted = timed.prefix(16)
        let rows = charted.map { row in
            let load = row.stats.loadTimes
            return PercentileChart.Row(label: Format.display(row.name), p50: load.percentileMilliseconds(50) ?? 0,
                                       p75: load.percentileMilliseconds(75) ?? 0, p95: load.percentileMilliseconds(95) ?? 0,
                                       p99: load.percentileMilliseconds(99) ?? 0)
        }
        view.chart = place(PercentileChart(rows: rows, reference: apdex).chart(name: "load-percentiles", title: "Load time per page group"))
        let configured = analysis.results.configuredGroups
        let names = analysis.results.groupNames
        let key = analysis.results.statistics.groups.prefix(configured).enumerated()
            .filter { $0.element.loadTimes.count > 0 }
            .sorted { a, b in a.element.views != b.element.views ? a.element.views > b.element.views : a.offset < b.offset }
            .prefix(histograms)
        let labels = LoadHistogram.bounds.map { binLabel($0, unit: true) }
        view.histogramRows = labels.map { label in
            var row = BinRow()
            row.label = label
            return row
        }
        for (index, group) in key {
            let load = group.loadTimes
            view.histogramGroups.append(Format.display(names[index]))
            for bin in load.bins.indices {
                view.histogramRows[bin].views.append("\(Format.count(load.bins[bin])) (\(Format.percent(ratio(load.bins[bin], load.count))))")
            }
            // Narrow columns: each labelled by where its bin starts.
            let columns = zip(LoadHistogram.bounds, load.bins).map { bound, views in
                ColumnChart.Column(label: Format.twoDecimals(Double(bound.from) / 1000) + (bound.to == nil ? "+" : ""),
                                   value: Double(views), text: Format.count(views))
            }
            let slow = load.bins[LoadHistogram.index(microseconds: 4_000_000)...].reduce(0, +)
            let chart = ColumnChart(columns: columns, axisTitle: "page views", categoryTitle: "load time from (s)") { Format.count(Int($0)) }
            view.histograms.append(place(chart.chart(
                name: "load-\(names[index])", title: "Load times of \(Format.display(names[index]))",
                summary: "\(Format.count(load.count)) timed views of \(Format.display(names[index])); \(Format.count(slow)) (\(Format.percent(ratio(slow, load.count)))) took 4 s or more.", width: 360)))
        }
        return view
    }

    /// A bin in seconds: `0.25–0.5 s`, `≥ 8 s`; without the unit for chart axes.
    static func binLabel(_ bound: (from: Int, to: Int?), unit: Bool) -> String {
        func s(_ ms: Int) -> String { Format.twoDecimals(Double(ms) / 1000) }
        let suffix = unit ? " s" : ""
        guard let to = bound.to else { return "≥ " + s(bound.from) + suffix }
        return (bound.from == 0 ? "< " + s(to) : s(bound.from) + "–" + s(to)) + suffix
    }

    static func leavingView(_ stats: SessionStatistics, place: (Chart) -> ChartView) -> LeavingView? {
        guard stats.timedPageViews > 0 else { return nil }
        var view = LeavingView()
        let labels = LoadBucket.bounds.map { binLabel($0, unit: true) }
        let rates = zip(stats.bucketExits, stats.bucketViews).map { ratio($0, $1) }
        view.rows = labels.indices.map { index in
            var row = BucketRow()
            row.label = labels[index]
            row.views = Format.count(stats.bucketViews[index])
            row.exits = Format.count(stats.bucketExits[index])
            row.exitRate = Format.percent(rates[index])
            row.interval = Format.interval(WilsonInterval(stats.bucketExits[index], stats.bucketViews[index]))
            row.few = Format.few(stats.bucketViews[index])
            return row
        }
        let columns = labels.indices.map {
            ColumnChart.Column(label: binLabel(LoadBucket.bounds[$0], unit: false), value: rates[$0] ?? 0, text: Format.percent(rates[$0]))
        }
        var chart = ColumnChart(columns: columns, axisTitle: "exit rate", categoryTitle: "page load time (s)") { Format.percent($0) }
        chart.highlighted = rates.indices.max { (rates[$0] ?? -1) < (rates[$1] ?? -1) }
        chart.intervals = labels.indices.map { index in
            WilsonInterval(stats.bucketExits[index], stats.bucketViews[index]).map { ($0.low, $0.high) }
        }
        // A slower bucket is said to lose more visitors only when its 95% interval lies above
        // the fastest one's: the highest such rate is named; otherwise the sentence says the
        // difference may be chance.
        let intervals = labels.indices.map { WilsonInterval(stats.bucketExits[$0], stats.bucketViews[$0]) }
        if let fast = rates.first ?? nil, let fastInterval = intervals.first ?? nil {
            let clear = (1..<labels.count).filter { index in
                guard let interval = intervals[index], let rate = rates[index] else { return false }
                return rate > fast && !interval.overlaps(fastInterval)
            }
            let slowest = labels.count - 1
            if let worst = clear.max(by: { (rates[$0] ?? 0, $0) < (rates[$1] ?? 0, $1) }), let rate = rates[worst] {
                let range = LoadBucket.bounds[worst].to == nil ? "4 s or more" : labels[worst]
                // The count and interval go with the rate: 5 of 6 views is a finding only as far
                // as its interval reaches.
                let views = stats.bucketViews[worst]
                let basis = "\(Format.count(stats.bucketExits[worst])) of \(Format.count(views)) views\(Format.few(views) ? ", few" : ""); "
                    + "95% interval \(intervals[worst].map { Format.interval($0) } ?? "–")"
                view.insight = "Page views that took \(range) ended the visit \(Format.percent(rate)) of the time (\(basis)), "
                    + "against \(Format.percent(fast)) under 1 s (\(Format.interval(fastInterval)))."
            } else if let slow = rates[slowest], let slowInterval = intervals[slowest], slowInterval.overlaps(fastInterval) {
                view.insight = "Exits after slow and fast page views do not differ clearly here (their 95% intervals overlap): \(Format.percent(slow)) of "
                    + "\(Format.count(stats.bucketViews[slowest])) page views of 4 s or more ended the visit (95% interval "
                    + "\(Format.interval(slowInterval))), \(Format.percent(fast)) under 1 s (\(Format.interval(fastInterval)))."
            } else if let slow = rates[slowest], slow < fast {
                view.insight = "Slow page views did not end visits more often here: \(Format.percent(slow)) of those of 4 s or more "
                    + "ended the visit, against \(Format.percent(fast)) under 1 s."
            }
        }
        view.chart = place(chart.chart(name: "exit-by-load", title: "Exit rate by page load time (bars: 95% intervals)",
                                       summary: view.insight.isEmpty ? "Exit rate of page views by their load time." : view.insight))
        return view
    }

    static func pathRows(_ analysis: RunResult) -> [PathRow] {
        let stats = analysis.results.statistics
        let names = groupName(analysis)
        let labelled = stats.paths.map { path, sessions in
            (text: path.groups.map(names).joined(separator: " → ") + (path.continues ? " → …" : " → left"), sessions: sessions)
        }
        var merged: [String: Int] = [:]
        for item in labelled { merged[item.text, default: 0] += item.sessions }
        return merged.sorted { a, b in a.value != b.value ? a.value > b.value : a.key < b.key }
            .prefix(topRows).map { text, sessions in
                var row = PathRow()
                row.path = text
                row.sessions = Format.count(sessions)
                row.share = Format.percent(ratio(sessions, stats.sessions))
                return row
            }
    }
}

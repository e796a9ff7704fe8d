import Analysis
import LogParsing
import LogInput
import Sessions
import Foundation

/// The report's last sections: trends and retention (over the history, with one), data quality.
extension ReportBuilder {
    /// Daily trends over this run's days, or every stored day with `--state`.
    static func trendsView(_ analysis: RunResult, place: (Chart) -> ChartView) -> TrendsView? {
        let days = analysis.days
        guard days.count > 1 else { return nil }
        let stats = analysis.results.statistics
        var view = TrendsView()
        let labels = days.map { CivilDate(daysSinceEpoch: $0.day).description }
        let partial = partialDays(analysis)
        let funnelName = stats.funnels.first?.steps.name
        view.hasConversion = funnelName != nil
        view.hasAbandonment = stats.cart != nil
        view.days = days.indices.map { index in
            let day = days[index]
            var row = DayRow()
            row.date = labels[index]
            row.partial = partial[day.day]
            row.sessions = Format.count(day.sessions)
            row.visitors = Format.count(day.visitors)
            row.pageViews = Format.count(day.pageViews)
            row.bounceRate = Format.percent(day.bounceRate)
            row.conversion = Format.percent(funnelName.flatMap { day.conversion(of: $0) })
            row.abandonment = Format.percent(day.cartAbandonmentRate)
            // A day's rate over fewer than 30 sessions is marked like any other.
            row.bounceFew = Format.few(day.sessions)
            row.conversionFew = Format.few(day.funnels.first { $0.name == funnelName }?.started ?? 0)
            row.abandonmentFew = Format.few(day.cartSessions)
            row.frustrated = Format.percent(day.frustratedSessionRate)
            row.frustratedFew = day.frustrated != nil && Format.few(day.sessions)
            row.p95 = Format.milliseconds(day.loadP95All)
            return row
        }
        // Every calendar day from the first to the last: a day without sessions is a gap in the
        // lines, not a fall to zero.
        let dayIndex = Dictionary(days.enumerated().map { ($1.day, $0) }, uniquingKeysWith: { first, _ in first })
        // (A span of more than two years, one stray old line, is drawn day by day without gaps.)
        let first = days.first?.day ?? 0, last = days.last?.day ?? 0
        let calendar = last - first <= 731 ? Array(first...last) : days.map(\.day)
        func line(_ name: String, _ title: String, _ values: [Double?], _ axis: @escaping @Sendable (Double) -> String) {
            let points = calendar.map { day in
                LineChart.Point(label: CivilDate(daysSinceEpoch: day).description, value: dayIndex[day].flatMap { values[$0] },
                                partial: partial[day] != nil)
            }
            view.charts.append(place(LineChart(points: points, axis: axis).chart(name: name, title: title)))
        }
        line("trend-sessions", "Sessions per day", days.map { Double($0.sessions) }) { Format.count(Int($0)) }
        if let funnelName {
            let values = days.map { $0.conversion(of: funnelName) }
            if !analysis.unmatched(funnel: funnelName).isEmpty {
                view.emptyCharts.append("No conversion trend: a step of the funnel \(funnelName) matched no hit, so its conversion says "
                    + "nothing yet. Name your shop's pages under `funnels:` in the configuration.")
            } else if values.allSatisfy({ $0 == nil }) {
                view.emptyCharts.append("No conversion trend: no session reached the first step of the funnel \(funnelName) on any day.")
            } else {
                line("trend-conversion", "Conversion (\(funnelName)) per day", values) { Format.percent($0) }
            }
        }
        if stats.cart != nil {
            let values = days.map(\.cartAbandonmentRate)
            if !analysis.unmatchedCart.isEmpty {
                view.emptyCharts.append("No cart abandonment trend: the cart's add-to-cart or purchase request matched no hit, so "
                    + "abandonment says nothing yet. Name them under `cart:` in the configuration.")
            } else if values.allSatisfy({ $0 == nil }) {
                view.emptyCharts.append("No cart abandonment trend: no session added to the cart on any day.")
            } else {
                line("trend-abandonment", "Cart abandonment per day", values) { Format.percent($0) }
            }
        }
        if days.contains(where: { $0.frustrated != nil }) {
            line("trend-frustration", "Frustrated sessions per day", days.map(\.frustratedSessionRate)) { Format.percent($0) }
        }
        for (day, coverage) in partial.sorted(by: { $0.key < $1.key }) {
            view.partialDays.append("\(CivilDate(daysSinceEpoch: day)) is a partial day (the logs cover \(coverage)): its figures "
                + "are not comparable with whole days', so its points are hollow and the lines do not reach them.")
        }
        if days.contains(where: { $0.loadP95All != nil }) {
            // One unit for the whole axis: seconds once any day reaches one.
            let inSeconds = days.contains { ($0.loadP95All ?? 0) >= 1000 }
            line("trend-p95", "p95 load time per day", days.map(\.loadP95All)) { ms in
                inSeconds ? Format.twoDecimals(ms / 1000) + " s" : Format.milliseconds(ms)
            }
        }
        return view
    }

    /// The run's first and last day when the logs cover only part of them, with the hours they
    /// cover (`00:00–00:12`): a last day the logs leave before 18:00, a first day they reach
    /// after 06:00 (without history: with it, the first day is an earlier night's), each only
    /// when it has fewer than half the sessions of the median other day — a shop open office
    /// hours has whole days that end at 17:00. A log rotated at midnight has neither; one
    /// rotated at 06:25 has both.
    static func partialDays(_ analysis: RunResult) -> [Int64: String] {
        let days = analysis.days
        guard let earliest = analysis.ingest.earliest, let latest = analysis.ingest.latest,
              let firstDay = days.first?.day, let lastDay = days.last?.day, firstDay < lastDay else { return [:] }
        func few(_ day: Int64) -> Bool {
            let others = days.filter { $0.day != day }.map(\.sessions).sorted()
            guard !others.isEmpty, let sessions = days.first(where: { $0.day == day })?.sessions else { return false }
            return sessions * 2 < others[others.count / 2]
        }
        func secondOfDay(_ time: LogTimestamp) -> Int64 { time.utcSeconds + Int64(time.offsetMinutes) * 60 - time.localDay * 86_400 }
        func clock(_ second: Int64) -> String {
            let minutes = Int(second / 60)
            return (minutes / 60 < 10 ? "0" : "") + "\(minutes / 60):" + (minutes % 60 < 10 ? "0" : "") + "\(minutes % 60)"
        }
        var out: [Int64: String] = [:]
        if latest.localDay == lastDay, secondOfDay(latest) < 18 * 3600, few(lastDay) {
            out[lastDay] = "00:00–" + clock(secondOfDay(latest))
        }
        if !analysis.spansHistory, earliest.localDay == firstDay, secondOfDay(earliest) > 6 * 3600, few(firstDay) {
            out[firstDay] = clock(secondOfDay(earliest)) + "–24:00"
        }
        return out
    }

    /// Cohorts shown in the heatmap: the newest.
    static let cohortRows = 14

    static func retentionView(_ analysis: RunResult, place: (Chart) -> ChartView) -> RetentionView {
        let r = analysis.retention
        var view = RetentionView()
        func figure(_ label: String, _ value: String) -> FigureView { FigureView(label: label, value: value) }
        view.figures = [
            figure("returning visitors", Format.count(r.returningVisitors)),
            figure("customers", Format.count(r.customers)),
            figure("repeat purchase rate", Format.percent(r.repeatPurchaseRate)),
            figure("churned customers", "\(Format.count(r.churnedCustomers)) (\(Format.percent(r.churnRate)))"),
            figure("customers at risk: error exit · abandoned cart · slow exit",
                   "\(Format.count(r.atRiskErrorExit)) · \(Format.count(r.atRiskAbandonedCart)) · \(Format.count(r.atRiskSlow))"),
        ]
        let source = !analysis.spansHistory ? "the logs of this run" : "every night stored in the history (\(analysis.days.count) days)"
        view.note = "Over \(source). Churned: customers with no hit in the \(analysis.settings.churnInactiveDays) days before the period's end. "
            + "At risk: customers not churned whose last session ended badly."
        if r.customers == 0 {
            // Customers are visitors who bought: without a purchase there is no one to follow.
            let stats = analysis.results.statistics
            view.note += stats.cart == nil
                ? " No purchase is configured, so there are no customers: name your order confirmation under `cart: purchase:`."
                : analysis.unmatchedCart.contains { $0.kind == .cartPurchase }
                ? " The cart's purchase request matched no hit, so no visitor counts as a customer."
                : " No visitor bought in this period, so there are no customers to follow."
        }
        let cohorts = r.cohorts.suffix(cohortRows)
        let hasReturns = cohorts.contains { $0.returned.contains { $0 != nil } }
        guard hasReturns else {
            view.note += " Cohort retention needs two days or more."
            return view
        }
        let unit = r.cohortUnit == "week" ? "week" : "day"
        let columns = (1...(cohorts.first?.returned.count ?? 7)).map { "\(unit) \($0)" }
        let rows = cohorts.map { cohort in
            Heatmap.Row(label: cohort.label, size: cohort.visitors, cells: cohort.returned.map { $0.map { Double($0) / Double(max(cohort.visitors, 1)) } })
        }
        view.chart = place(Heatmap(columns: columns, rows: rows).chart(
            name: "retention", title: "Cohort retention by first \(unit)",
            summary: "Share of the visitors first active on each \(unit) who were active again 1 to \(columns.count) \(unit)s later."))
        view.cohorts = cohorts.map { cohort in
            var row = CohortRow()
            row.label = cohort.label
            row.visitors = Format.count(cohort.visitors)
            row.cells = cohort.returned.map { $0.map { Format.percent(ratio($0, cohort.visitors)) } ?? "" }
            return row
        }
        view.columns = columns
        return view
    }

    static func qualityView(_ analysis: RunResult, place: (Chart) -> ChartView) -> QualityView {
        let ingest = analysis.ingest
        var view = QualityView()
        let formats = Dictionary(ingest.differingFormats?.map { ($0.file, $0.format) } ?? [], uniquingKeysWith: { a, _ in a })
        view.inputs = ingest.files.map { InputRow(file: $0, format: formats[$0] ?? ingest.format) }
        view.format = ingest.format
        view.lines = Format.count(ingest.lines)
        view.parsed = Format.count(ingest.parsed)
        view.skipped = Format.count(ingest.skipped)
        view.skippedShare = Format.percent(ratio(ingest.skipped, ingest.lines))
        view.samples = ingest.skippedSamples.map {
            SampleRow(location: "\($0.file):\($0.line)", text: String(SampleRedaction.redacted($0.text).prefix(300)), reason: $0.reason)
        }
        let classes = ingest.classes
        let rows: [(String, Int)] = [
            ("page views", classes.pageViews), ("actions", classes.actions), ("bots", classes.botRequests),
            ("assets", classes.assetRequests), ("ignored", classes.ignoredRequests),
            ("invalid requests", classes.invalidRequests), ("dropped", classes.droppedRequests),
        ]
        view.classes = rows.map { CountRow(name: $0.0, count: Format.count($0.1), share: Format.percent(ratio($0.1, ingest.parsed))) }
        view.botShare = Format.percent(ratio(classes.botRequests, ingest.parsed))
        view.faults = ingest.faults.map(\.description)
        if analysis.results.hitsOutsideWindow > 0 { view.hitsOutsideWindow = Format.count(analysis.results.hitsOutsideWindow) }
        if analysis.results.lateHits > 0 { view.lateHits = Format.count(analysis.results.lateHits) }
        let folded = SummaryDocument.foldedViews(analysis)
        if folded > 0 {
            view.foldedViews = Format.count(folded)
            view.automaticGroupLimit = Format.count(PageGroups.defaultAutomaticLimit)
        }
        view.bots = botsView(analysis, place: place)
        if let fitted = analysis.fitted {
            var fit = FittedView()
            fit.sampledLines = Format.count(fitted.sampledLines)
            fit.preset = fitted.advice.preset
            fit.ignored = fitted.advice.ignore.map(\.pattern)
            fit.pages = fitted.advice.pages.map(\.name)
            let shop = fitted.advice.shop
            fit.steps = shop.steps.map(\.name)
            if shop.steps.isEmpty {
                fit.noShop = analysis.results.statistics.funnels.isEmpty && analysis.results.statistics.cart == nil
                    ? "no shop was recognised, so no cart and no funnel"
                    : "no shop was recognised, so the \(fitted.advice.preset) preset's cart and funnels"
            }
            view.fitted = fit
        }
        return view
    }

    /// How many bots the log held, which, and the sessions left out as scanners' or too fast.
    static func botsView(_ analysis: RunResult, place: (Chart) -> ChartView) -> BotsView {
        let ingest = analysis.ingest
        let stats = analysis.results.statistics
        var view = BotsView()
        view.botRequests = Format.count(ingest.classes.botRequests)
        view.botShare = Format.percent(ratio(ingest.classes.botRequests, ingest.parsed))
        let families = SummaryDocument.ranked(ingest.botFamilies, limit: 10)
        view.families = families.map { CountRow(name: $0.name, count: Format.count($0.count),
                                                share: Format.percent(ratio($0.count, ingest.classes.botRequests))) }
        if !families.isEmpty {
            let bars = families.map { BarChart.Bar(label: $0.name, value: Double($0.count), text: Format.count($0.count)) }
            view.familyChart = place(BarChart(bars: bars).chart(
                name: "bot-families", title: "Bot requests by family",
                summary: "The \(families.count) bot families with the most requests, from the crawler list's names"))
        }
        let excluded = stats.excluded.reduce(0, +)
        view.excludedSessions = Format.count(excluded)
        view.excludedShare = Format.percent(ratio(excluded, excluded + stats.sessions))
        view.reasons = ExclusionReason.allCases.map { reason in
            CountRow(name: reason.name, count: Format.count(stats.excluded[reason.rawValue]), share: reason.explanation)
        }
        view.probes = SummaryDocument.ranked(ingest.probePaths, limit: 10).map {
            CountRow(name: $0.name, count: Format.count($0.count), share: "")
        }
        let days = stats.excludedByDay.sorted { $0.key < $1.key }
        view.days = days.map { CountRow(name: CivilDate(daysSinceEpoch: $0.key).description, count: Format.count($0.value), share: "") }
        if days.count > 1 {
            let points = days.map { LineChart.Point(label: CivilDate(daysSinceEpoch: $0.key).description, value: Double($0.value)) }
            view.dayChart = place(LineChart(points: points) { Format.count(Int($0)) }
                .chart(name: "excluded-sessions", title: "Sessions left out per day"))
        }
        return view
    }
}

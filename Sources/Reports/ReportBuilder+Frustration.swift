import Analysis
import Sessions

/// The report's "Frustration" section: the signals a session's own requests leave.
extension ReportBuilder {
    /// Page groups ranked in the section's table and chart.
    static let frustrationGroupRows = 10

    static func frustrationView(_ analysis: RunResult, place: (Chart) -> ChartView) -> FrustrationView? {
        let stats = analysis.results.statistics
        guard stats.sessions > 0 else { return nil }
        let f = stats.frustration
        var view = FrustrationView()
        view.rate = Format.percent(stats.frustratedSessionRate)
        view.interval = Format.interval(WilsonInterval(f.sessions, stats.sessions))
        view.few = Format.few(stats.sessions)
        view.sessions = Format.count(stats.sessions)
        view.frustrated = Format.count(f.sessions)
        let exits = stats.groups.reduce(0) { $0 + $1.exits }
        view.pageExitRate = Format.percent(ratio(exits, stats.pageViews))
        view.signals = FrustrationSignal.allCases.map { signal in
            var row = SignalRow()
            row.name = signal.name
            row.what = signal.explanation
            row.count = Format.count(f.signals[signal])
            row.ended = Format.count(f.endedVisit[signal])
            row.endedRate = Format.percent(ratio(f.endedVisit[signal], f.signals[signal]))
            row.interval = Format.interval(WilsonInterval(f.endedVisit[signal], f.signals[signal]))
            row.few = Format.few(f.signals[signal])
            return row
        }
        // Where signals happen: page groups by signals per 1,000 views.
        typealias Ranked = (group: (name: String, signals: SignalCounts, views: Int), perView: Double)
        let groups = SummaryDocument.frustrationGroups(analysis)
        let viewed = groups.filter { $0.views > 0 }
        let rates: [Ranked] = viewed.map { group in (group: group, perView: Double(group.signals.total) / Double(group.views)) }
        let ranked = rates.sorted { a, b in a.perView != b.perView ? a.perView > b.perView : a.group.name < b.group.name }
            .prefix(frustrationGroupRows)
        view.groups = ranked.map { group, perView in
            var row = SignalGroupRow()
            row.group = Format.display(group.name)
            row.views = Format.count(group.views)
            row.signals = Format.count(group.signals.total)
            row.perThousand = perThousandValue(perView)
            // More signals than views (an action retried again and again on one page) has no
            // interval as a share of views.
            row.interval = group.signals.total <= group.views ? perThousand(WilsonInterval(group.signals.total, group.views)) : "–"
            row.few = Format.few(group.views)
            row.commonest = FrustrationSignal.allCases.filter { group.signals[$0] > 0 }
                .sorted { group.signals[$0] != group.signals[$1] ? group.signals[$0] > group.signals[$1] : $0.rawValue < $1.rawValue }
                .map { "\($0.name) \(Format.count(group.signals[$0]))" }.joined(separator: ", ")
            return row
        }
        if !ranked.isEmpty {
            var chart = BarChart(bars: ranked.map { group, perView in
                LabelledValue(label: Format.display(group.name), value: perView * 1000, text: perThousandValue(perView))
            })
            chart.intervals = ranked.map { group, _ in
                group.signals.total <= group.views
                    ? WilsonInterval(group.signals.total, group.views).map { ($0.low * 1000, $0.high * 1000) } : nil
            }
            view.chart = place(chart.chart(name: "frustration-by-group", title: "Frustration signals per 1,000 page views",
                                           summary: "Signals per 1,000 page views of each page group, the line across each bar its 95% interval."))
        }
        // The funnels whose matchers matched and that some session entered.
        let splits = stats.funnels.enumerated().compactMap { index, funnel -> (name: String, frustrated: FrustrationStatistics.FunnelSplit,
                                                                               calm: FrustrationStatistics.FunnelSplit)? in
            guard analysis.unmatched(funnel: funnel.steps.name).isEmpty, let split = f.split(funnel: index, of: funnel),
                  split.frustrated.started + split.calm.started > 0 else { return nil }
            return (funnel.steps.name, split.frustrated, split.calm)
        }
        for (name, frustrated, calm) in splits {
            var row = FrustrationFunnelRow()
            row.name = name
            row.frustrated = Format.percent(frustrated.conversion)
            row.frustratedSessions = Format.count(frustrated.started)
            row.frustratedInterval = Format.interval(WilsonInterval(frustrated.converted, frustrated.started))
            row.frustratedFew = Format.few(frustrated.started)
            row.calm = Format.percent(calm.conversion)
            row.calmSessions = Format.count(calm.started)
            row.calmInterval = Format.interval(WilsonInterval(calm.converted, calm.started))
            row.calmFew = Format.few(calm.started)
            view.funnels.append(row)
        }
        let insight = frustrationInsight(analysis, splits: splits, groups: groups, exits: exits)
        view.insight = insight.isEmpty ? nil : insight
        return view
    }

    /// A share per 1,000, one decimal: `54.2`, `2.0`.
    static func perThousandValue(_ share: Double) -> String { Format.oneFixedDecimal(tenths: share * 10_000) }

    /// A rate's interval per 1,000, one decimal: `12.0–31.4`.
    static func perThousand(_ interval: WilsonInterval?) -> String {
        guard let interval else { return "–" }
        return perThousandValue(interval.low) + "–" + perThousandValue(interval.high)
    }

    /// The strongest finding the intervals support: frustrated sessions converting less (or
    /// more) than calm ones in a funnel, and where most signals came from.
    static func frustrationInsight(_ analysis: RunResult,
                                   splits: [(name: String, frustrated: FrustrationStatistics.FunnelSplit, calm: FrustrationStatistics.FunnelSplit)],
                                   groups: [(name: String, signals: SignalCounts, views: Int)], exits: Int) -> String {
        let stats = analysis.results.statistics
        let f = stats.frustration
        guard f.sessions > 0 else {
            return "No session showed a frustration signal: no quick reload, quick back, double submit or retry after a server error."
        }
        var sentence = ""
        // The funnel whose frustrated and calm conversions lie furthest apart, intervals apart.
        var best: (name: String, frustrated: Double, calm: Double, a: WilsonInterval, b: WilsonInterval)?
        for (name, frustrated, calm) in splits {
            guard let x = frustrated.conversion, let y = calm.conversion,
                  let a = WilsonInterval(frustrated.converted, frustrated.started), let b = WilsonInterval(calm.converted, calm.started),
                  !a.overlaps(b) else { continue }
            if let found = best, abs(found.frustrated - found.calm) >= abs(x - y) { continue }
            best = (name, x, y, a, b)
        }
        // Else the signal after which visits ended most surely more often than after any page
        // view: the highest low end of an interval that lies above all page views' exit rate.
        let pageExit = WilsonInterval(exits, stats.pageViews)
        let ending = FrustrationSignal.allCases.compactMap { signal -> (signal: FrustrationSignal, rate: Double, interval: WilsonInterval)? in
            guard let rate = ratio(f.endedVisit[signal], f.signals[signal]), let interval = WilsonInterval(f.endedVisit[signal], f.signals[signal]),
                  let pageExit, interval.low > pageExit.high else { return nil }
            return (signal, rate, interval)
        }.max { $0.interval.low < $1.interval.low }
        if let best {
            sentence = "Sessions with a frustration signal converted \(Format.percent(best.frustrated)) (\(Format.interval(best.a))) "
                + "against \(Format.percent(best.calm)) (\(Format.interval(best.b))) for the others in the \(best.name) funnel."
        } else if let ending, let pageExit {
            sentence = "Visits ended right after \(Format.percent(ending.rate)) of \(ending.signal.plural) (\(Format.interval(ending.interval))), "
                + "against \(Format.percent(ratio(exits, stats.pageViews))) of all page views (\(Format.interval(pageExit)))."
        }
        // Where the most signals of one kind came from, when one page group and signal clearly
        // lead: at least 3, and more than any other.
        var counts: [(group: String, signal: FrustrationSignal, count: Int)] = []
        for group in groups {
            for signal in FrustrationSignal.allCases where group.signals[signal] > 0 { counts.append((group.name, signal, group.signals[signal])) }
        }
        counts.sort { $0.count > $1.count }
        if let top = counts.first, top.count >= 3, counts.count == 1 || counts[1].count < top.count {
            sentence += (sentence.isEmpty ? "" : " ") + "The most signals of one kind: \(top.signal.counted(top.count)) on \(Format.display(top.group))."
        }
        return sentence
    }
}

extension FrustrationSignal {
    /// What the signal is, in one line for the report.
    var explanation: String {
        switch self {
        case .reload: return "the same page asked for again within 10 s"
        case .quickBack: return "back to the page before within 5 s"
        case .doubleSubmit: return "the same form or action sent twice within 2 s"
        case .errorRetry: return "the same request again within 60 s of a 5xx answer"
        }
    }

    /// `count` of the signal: "1 reload", "38 retries after a server error".
    func counted(_ count: Int) -> String {
        guard count != 1 else {
            switch self {
            case .reload: return "1 reload"
            case .quickBack: return "1 quick back"
            case .doubleSubmit: return "1 double submit"
            case .errorRetry: return "1 retry after a server error"
            }
        }
        return "\(Format.count(count)) \(plural)"
    }

    /// The signal counted: "reloads", "retries after a server error".
    var plural: String {
        switch self {
        case .reload: return "reloads"
        case .quickBack: return "quick backs"
        case .doubleSubmit: return "double submits"
        case .errorRetry: return "retries after a server error"
        }
    }
}

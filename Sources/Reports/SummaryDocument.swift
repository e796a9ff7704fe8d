import JSON
import Sessions
import Analysis
import LogParsing
import LogInput

/// The `summary.json` document, built from the stages' results.
public enum SummaryDocument {
    public static let schema = 1

    /// A rate's 95% interval as `[low, high]`, or `null` where the rate is.
    static func interval(_ wilson: WilsonInterval?) -> JSONValue {
        .interval(wilson?.low, wilson?.high)
    }

    /// The pages list: configured groups with views, then this many of the others.
    public static let otherGroupsListed = 50

    public static func build(_ analysis: RunResult) -> JSONValue {
        let ingest = analysis.ingest
        let stats = analysis.results.statistics
        var members: [(String, JSONValue)] = [("schema", .int(schema))]
        members.append(("period", .object([
            ("from", ingest.earliest.map { .string($0.iso8601) } ?? .null),
            ("to", ingest.latest.map { .string($0.iso8601) } ?? .null),
        ])))
        members.append(("input", input(ingest)))
        let site = analysis.siteHost
        members.append(("traffic", traffic(analysis, site: site)))
        members.append(("pages", .array(pageRows(analysis).map(page))))
        let timed = stats.timedPageViews > 0
        members.append(("exit_rate_by_load", timed ? .array(LoadBucket.bounds.enumerated().map { index, bound in
            .object([
                ("from_ms", .int(bound.from)), ("to_ms", bound.to.map { .int($0) } ?? .null),
                ("views", .int(stats.bucketViews[index])), ("exits", .int(stats.bucketExits[index])),
                ("exit_rate", .rate(ratio(stats.bucketExits[index], stats.bucketViews[index]))),
                ("exit_rate_ci", interval(WilsonInterval(stats.bucketExits[index], stats.bucketViews[index]))),
            ])
        }) : .null))
        members.append(("error_exits", .int(stats.errorExits)))
        members.append(("error_exit_rate", .rate(stats.errorExitRate)))
        members.append(("dead_end_exits", .int(stats.deadEndExits)))
        members.append(("frustration", frustration(analysis)))
        members.append(("funnels", .array(stats.funnels.map { funnel(analysis, $0, site: site) })))
        members.append(("cart", cart(analysis)))
        members.append(("days", .array(days(analysis))))
        members.append(("retention", retention(analysis)))
        members.append(("thresholds", .array(analysis.thresholds.map(threshold))))
        members.append(("unmatched", .array(analysis.unmatched.map(unmatched))))
        if let advice = analysis.advice() {
            members.append(("advice", .object([
                ("applied", .bool(analysis.fitted != nil)),
                ("sampled_lines", analysis.fitted.map { .int($0.sampledLines) } ?? .null),
                ("preset", .string(advice.preset)),
                ("ignore", .array(advice.ignore.map { rule in
                    .object([("path", .string(rule.pattern)), ("views", .int(rule.views)),
                             ("burst_share", .rate(rule.burstShare)), ("session_start_share", .rate(rule.startShare)),
                             ("same_site_share", .rate(rule.sameSiteShare)), ("referral_share", .rate(rule.referralShare)),
                             ("follow_share", .rate(rule.followShare))])
                })),
                ("pages", .array(advice.pages.map { .object([("name", .string($0.name)), ("path", .string($0.pattern)), ("views", .int($0.views))]) })),
                ("shop", .object([
                    ("recognised", .bool(advice.shop.isRecognised)), ("sampled_sessions", .int(advice.shop.sessions)),
                    ("steps", .array(advice.shop.steps.map(shopStep))),
                    ("cart_add", advice.shop.cartAdd.map(shopStep) ?? .null), ("purchase", advice.shop.purchase.map(shopStep) ?? .null),
                ])),
            ])))
        }
        return .object(members)
    }

    static func funnel(_ analysis: RunResult, _ f: FunnelStatistics, site: String?) -> JSONValue {
        let steps: [JSONValue] = f.steps.stepNames.enumerated().map { index, name in
            .object([
                ("name", .string(name)),
                ("sessions", .int(f.reached[index])),
                ("conversion_from_previous", .rate(f.conversionFromPrevious(index))),
                ("conversion_from_start", .rate(f.conversionFromStart(index))),
                ("median_seconds_from_start", f.secondsFromStart[index].percentile(50).map { .int(Int($0)) } ?? .null),
            ])
        }
        let bySource = sources(analysis, f, site: site)
        func segment(_ s: FunnelSegment) -> JSONValue {
            .object([("sessions", .int(s.sessions)), ("conversion", .rate(s.conversion))])
        }
        return .object([
            ("name", .string(f.steps.name)),
            ("conversion", .rate(f.conversion)),
            ("conversion_ci", interval(f.conversionInterval)),
            ("conversion_frustrated", .rate(split(analysis, f)?.frustrated.conversion)),
            ("conversion_calm", .rate(split(analysis, f)?.calm.conversion)),
            ("steps", .array(steps)),
            ("by_device", .object(Device.allCases.map { ($0.rawValue, segment(f.byDevice[$0] ?? FunnelSegment())) })),
            ("by_source", .object(TrafficSource.allCases.map { ($0.rawValue, segment(bySource[$0] ?? FunnelSegment())) })),
        ])
    }

    /// A funnel's sessions that reached step 0 with a frustration signal, and without one.
    static func split(_ analysis: RunResult, _ f: FunnelStatistics) -> (frustrated: FrustrationStatistics.FunnelSplit, calm: FrustrationStatistics.FunnelSplit)? {
        let stats = analysis.results.statistics
        guard let index = stats.funnels.firstIndex(where: { $0.steps.name == f.steps.name }) else { return nil }
        return stats.frustration.split(funnel: index, of: f)
    }

    /// Page groups with a frustration signal, by name in byte order, with their signals and
    /// page views.
    static func frustrationGroups(_ analysis: RunResult) -> [(name: String, signals: SignalCounts, views: Int)] {
        let stats = analysis.results.statistics
        let names = analysis.results.groupNames
        return stats.frustration.byGroup.enumerated().compactMap { id, counts in
            guard counts.total > 0, id < names.count else { return nil }
            return (names[id], counts, id < stats.groups.count ? stats.groups[id].views : 0)
        }.sorted { Array($0.name.utf8).lexicographicallyPrecedes(Array($1.name.utf8)) }
    }

    /// The frustration signals: frustrated sessions, the rate with its interval, each signal's
    /// count (and how many ended the visit), and per page group.
    static func frustration(_ analysis: RunResult) -> JSONValue {
        let stats = analysis.results.statistics
        let f = stats.frustration
        return .object([
            ("sessions", .int(f.sessions)),
            ("rate", .rate(ratio(f.sessions, stats.sessions))),
            ("rate_ci", interval(WilsonInterval(f.sessions, stats.sessions))),
            ("signals", .object(FrustrationSignal.allCases.map { ($0.key, JSONValue.int(f.signals[$0])) })),
            ("ended_visit", .object(FrustrationSignal.allCases.map { ($0.key, JSONValue.int(f.endedVisit[$0])) })),
            ("by_group", .array(frustrationGroups(analysis).map { group -> JSONValue in
                let counts: [(String, JSONValue)] = FrustrationSignal.allCases.map { ($0.key, JSONValue.int(group.signals[$0])) }
                return .object([("group", JSONValue.string(group.name))] + counts + [("views", JSONValue.int(group.views))])
            })),
        ])
    }

    /// A funnel's segments by traffic source of the session's entry page view.
    static func sources(_ analysis: RunResult, _ f: FunnelStatistics, site: String?) -> [TrafficSource: FunnelSegment] {
        var bySource: [TrafficSource: FunnelSegment] = [:]
        for (host, segment) in f.byEntryHost {
            let source = TrafficSource(referrerHost: analysis.results.host(host), siteHost: site)
            bySource[source, default: FunnelSegment()].sessions += segment.sessions
            bySource[source, default: FunnelSegment()].converted += segment.converted
        }
        return bySource
    }

    /// Abandoned carts by the page group they were left at, most first (ties by name).
    static func cartLeftAt(_ analysis: RunResult, _ cart: CartStatistics) -> [(name: String, sessions: Int)] {
        let names = analysis.results.groupNames
        return cart.leftAt.map { (name: $0.key >= 0 ? names[Int($0.key)] : "(no page view)", sessions: $0.value) }
            .sorted { a, b in a.sessions != b.sessions ? a.sessions > b.sessions : a.name < b.name }
    }

    /// `null` without a `cart` section in the configuration.
    static func cart(_ analysis: RunResult) -> JSONValue {
        guard let cart = analysis.results.statistics.cart else { return .null }
        let leftAt = cartLeftAt(analysis, cart)
        return .object([
            ("sessions", .int(cart.sessions)),
            ("abandoned", .int(cart.abandoned)),
            ("abandonment_rate", .rate(cart.abandonmentRate)),
            ("abandonment_rate_ci", interval(cart.abandonmentInterval)),
            ("left_at", .array(leftAt.map { .object([("group", .string($0.name)), ("sessions", .int($0.sessions))]) })),
        ])
    }

    static func threshold(_ t: ThresholdResult) -> JSONValue {
        var members: [(String, JSONValue)] = [("metric", .string(t.rule.metric.rawValue))]
        if let funnel = t.rule.funnel { members.append(("funnel", .string(funnel))) }
        if let step = t.rule.step { members.append(("step", .string(step))) }
        if let page = t.rule.page { members.append(("page", .string(page))) }
        members += [("limit", .string(t.limit)), ("value", t.value.map { .number($0) } ?? .null), ("ok", .bool(t.ok))]
        if !t.unmatched.isEmpty { members.append(("unmatched", .array(t.unmatched.map { .string($0.key) }))) }
        return .object(members)
    }

    /// A configured matcher no hit matched: `{"matcher": "cart.add", "kind": "cart_add", …}`.
    static func unmatched(_ item: UnmatchedMatcher) -> JSONValue {
        var members: [(String, JSONValue)] = [("matcher", .string(item.key)), ("kind", .string(item.kind.rawValue))]
        if let funnel = item.funnel { members.append(("funnel", .string(funnel))) }
        members += [("name", .string(item.name)), ("method", item.matcher.method.map { .string($0) } ?? .null),
                    ("path", .string(item.matcher.path)), ("query", item.matcher.query.map { .string($0) } ?? .null)]
        return .object(members)
    }

    static func shopStep(_ step: ShopStep) -> JSONValue {
        .object([("name", .string(step.name)), ("role", .string(String(describing: step.role))),
                 ("method", step.matcher.method.map { .string($0) } ?? .null), ("path", .string(step.matcher.path)),
                 ("query", step.matcher.query.map { .string($0) } ?? .null), ("sessions", .int(step.sessions))])
    }


    static func traffic(_ analysis: RunResult, site: String?) -> JSONValue {
        let stats = analysis.results.statistics
        var bySource: [TrafficSource: Int] = [:]
        for (host, count) in stats.sessionsByEntryHost {
            bySource[TrafficSource(referrerHost: analysis.results.host(host), siteHost: site), default: 0] += count
        }
        return .object([
            ("visitors", .int(analysis.results.visitorCount)),
            ("sessions", .int(stats.sessions)),
            ("bounce_rate", .rate(stats.bounceRate)),
            ("bounce_rate_ci", interval(stats.bounceRateInterval)),
            ("pages_per_session", .rate(stats.pagesPerSession)),
            ("median_session_seconds", stats.durations.percentile(50).map { .int(Int($0)) } ?? .null),
            ("excluded_sessions", .object(ExclusionReason.allCases.map { ($0.name, .int(stats.excluded[$0.rawValue])) })),
            ("excluded_by_day", .array(stats.excludedByDay.sorted { $0.key < $1.key }.map {
                .object([("date", .string(CivilDate(daysSinceEpoch: $0.key).description)), ("sessions", .int($0.value))])
            })),
            ("hits_outside_window", .int(analysis.results.hitsOutsideWindow)),
            ("late_hits", .int(analysis.results.lateHits)),
            ("other_pages_views", .int(foldedViews(analysis))),
            ("site_host", site.map { .string($0) } ?? .null),
            ("by_device", .object(Device.allCases.map { ($0.rawValue, .int(stats.sessionsByDevice[$0] ?? 0)) })),
            ("by_source", .object(TrafficSource.allCases.map { ($0.rawValue, .int(bySource[$0] ?? 0)) })),
        ])
    }

    struct PageRow {
        var name: String
        var stats: PageGroupStatistics
    }

    /// Configured groups with views, in configuration order, then the most viewed others.
    static func pageRows(_ analysis: RunResult) -> [PageRow] {
        let groups = analysis.results.statistics.groups
        let names = analysis.results.groupNames
        let configured = analysis.results.configuredGroups
        var rows: [PageRow] = []
        for index in 0..<min(configured, groups.count) where groups[index].views > 0 {
            rows.append(PageRow(name: names[index], stats: groups[index]))
        }
        // The most viewed others (ties by name), chosen by index: a log of a million distinct
        // paths has a million groups, whose statistics are not copied to pick fifty.
        func before(_ a: Int, _ b: Int) -> Bool {
            groups[a].views != groups[b].views ? groups[a].views > groups[b].views : names[a] < names[b]
        }
        var chosen: [Int] = []
        if groups.count > configured {
            for index in configured..<groups.count where groups[index].views > 0 && names[index] != PageGroups.folded {
                if chosen.count == otherGroupsListed {
                    guard let last = chosen.last, before(index, last) else { continue }
                    chosen.removeLast()
                }
                let place = chosen.firstIndex { before(index, $0) } ?? chosen.count
                chosen.insert(index, at: place)
            }
        }
        return rows + chosen.map { PageRow(name: names[$0], stats: groups[$0]) }
    }

    /// Page views of the paths past the limit of automatic page groups, counted as one group.
    static func foldedViews(_ analysis: RunResult) -> Int {
        let names = analysis.results.groupNames
        let groups = analysis.results.statistics.groups
        let configured = analysis.results.configuredGroups
        guard let index = names.indices.last(where: { $0 >= configured && names[$0] == PageGroups.folded }),
              index < groups.count else { return 0 }
        return groups[index].views
    }

    static func page(_ row: PageRow) -> JSONValue {
        let s = row.stats
        let load = s.loadTimes
        let loadMs: JSONValue = load.count == 0 ? .null : .object([50.0, 75, 95, 99].map { p in
            ("p\(Int(p))", .milliseconds(load.percentileMilliseconds(p)))
        })
        return .object([
            ("group", .string(row.name)),
            ("views", .int(s.views)),
            ("entries", .int(s.entries)),
            ("exits", .int(s.exits)),
            ("exit_rate", .rate(s.exitRate)),
            ("error_rate", .rate(s.errorRate)),
            ("apdex", .rate(load.apdex)),
            ("median_seconds_on_page", s.secondsOnPage.percentile(50).map { .int(Int($0)) } ?? .null),
            ("load_ms", loadMs),
        ])
    }

    /// This run's days, or with `--state` every stored day.
    static func days(_ analysis: RunResult) -> [JSONValue] {
        analysis.days.map { day in
            var members: [(String, JSONValue)] = [
                ("date", .string(CivilDate(daysSinceEpoch: day.day).description)),
                ("sessions", .int(day.sessions)),
                ("visitors", .int(day.visitors)),
                ("page_views", .int(day.pageViews)),
                ("bounce_rate", .rate(day.bounceRate)),
                ("load_p95_ms", .object(day.loadP95.map { ($0.group, .milliseconds($0.milliseconds)) })),
            ]
            if !day.funnels.isEmpty {
                members.append(("funnel_conversion", .object(day.funnels.map { ($0.name, .rate(ratio($0.converted, $0.started))) })))
            }
            if analysis.results.statistics.cart != nil {
                members.append(("cart_abandonment", .rate(day.cartAbandonmentRate)))
            }
            if let frustrated = day.frustrated {
                members.append(("frustrated_sessions", .int(frustrated)))
                members.append(("frustrated_session_rate", .rate(day.frustratedSessionRate)))
            }
            return .object(members)
        }
    }

    /// Retention and churn, over this run's visitors or with `--state` over the whole history.
    static func retention(_ analysis: RunResult) -> JSONValue {
        let r = analysis.retention
        return .object([
            ("returning_visitors", .int(r.returningVisitors)),
            ("cohort_unit", .string(r.cohortUnit)),
            ("cohorts", .array(r.cohorts.map { cohort in
                .object([
                    ("start", .string(cohort.label)),
                    ("visitors", .int(cohort.visitors)),
                    ("retention", .array(cohort.returned.map { $0.map { .rate(ratio($0, cohort.visitors)) } ?? .null })),
                ])
            })),
            ("customers", .int(r.customers)),
            ("repeat_purchase_rate", .rate(r.repeatPurchaseRate)),
            ("churned_customers", .int(r.churnedCustomers)),
            ("churn_rate", .rate(r.churnRate)),
            ("at_risk_customers", .object([
                ("error_exit", .int(r.atRiskErrorExit)),
                ("abandoned_cart", .int(r.atRiskAbandonedCart)),
                ("slow", .int(r.atRiskSlow)),
            ])),
        ])
    }

    static func input(_ ingest: IngestResult) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("files", .array(ingest.files.map { .string($0) })),
            ("format", .string(ingest.format)),
        ]
        if let formats = ingest.differingFormats {
            members.append(("formats", .object(formats.map { ($0.file, .string($0.format)) })))
        }
        let classes = ingest.classes
        members += [
            ("lines", .int(ingest.lines)),
            ("parsed", .int(ingest.parsed)),
            ("skipped", .int(ingest.skipped)),
            ("skipped_samples", .array(ingest.skippedSamples.map { sample in
                .object([("file", .string(sample.file)), ("line", .int(sample.line)), ("text", .string(SampleRedaction.redacted(sample.text))),
                         ("reason", sample.reason.map { .string($0) } ?? .null)])
            })),
            ("invalid_requests", .int(classes.invalidRequests)),
            ("bot_requests", .int(classes.botRequests)),
            ("asset_requests", .int(classes.assetRequests)),
            ("ignored_requests", .int(classes.ignoredRequests)),
            ("dropped_requests", .int(classes.droppedRequests)),
            ("page_views", .int(classes.pageViews)),
            ("actions", .int(classes.actions)),
            ("bot_families", .array(ranked(ingest.botFamilies, limit: 20).map {
                .object([("family", .string($0.name)), ("requests", .int($0.count))])
            })),
            ("probe_paths", .array(ranked(ingest.probePaths, limit: 20).map {
                .object([("path", .string($0.name)), ("hits", .int($0.count))])
            })),
        ]
        if !ingest.faults.isEmpty {
            members.append(("faults", .array(ingest.faults.map { .string($0.description) })))
        }
        return .object(members)
    }

    /// The `limit` largest counts, most first, then by name.
    static func ranked(_ counts: [String: Int], limit: Int) -> [(name: String, count: Int)] {
        counts.sorted { a, b in a.value != b.value ? a.value > b.value : a.key < b.key }.prefix(limit).map { ($0.key, $0.value) }
    }
}
